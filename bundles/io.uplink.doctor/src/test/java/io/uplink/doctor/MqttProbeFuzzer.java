package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.credentials.SignedJarsFirst;

import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the doctor's MQTT reading (docs/FUZZING.md): whatever a broker answers to CONNECT or to
 * a QoS 1 PUBLISH, then a close or silence. The contract of {@link MqttProbe}: an answer, never an exception from the
 * broker's bytes; it reads one packet at most (2 + 255 bytes); ACCEPTED and REFUSED only for a well-formed CONNACK
 * (type 2, remaining length 2) whose return code they carry, ACCEPTED for PUBLISH only for its PUBACK; the evidence stays short.
 */
class MqttProbeFuzzer {

    /** Before Jazzer installs its agent (the fork could deadlock otherwise): see {@link SignedJarsFirst}. */
    @BeforeAll
    static void checkSignedJarsFirst() throws IOException {
        SignedJarsFirst.verifyNow();
    }

    @FuzzTest
    void readsAnyBrokerAnswer(FuzzedDataProvider in) throws IOException {
        boolean publish = in.consumeBoolean();
        boolean silentAtEnd = in.consumeBoolean();
        byte[] peer = in.consumeRemainingAsBytes();
        FuzzedConnection c = new FuzzedConnection(peer, silentAtEnd);
        MqttProbe probe = new MqttProbe(c, Duration.ofSeconds(5));

        MqttProbe.Answer a = publish ? probe.publish("t/fuzz", new byte[] { 1 })
                : probe.connect("fuzz-client", 60, "user", "secret-pw".toCharArray());

        assertThat(a.outcome()).isNotNull();
        assertThat(c.read).isLessThanOrEqualTo(2 + 255);
        assertThat(a.evidence()).hasSize(2);
        for (String e : a.evidence()) {
            assertThat(e).hasSizeLessThan(1200).doesNotContain("secret-pw");
        }
        assertThat(a.code()).isBetween(-1, 255);
        boolean wellFormedConnack = !publish && peer.length >= 4 && (peer[0] & 0xF0) == 0x20 && peer[1] == 2;
        if (a.outcome() == MqttProbe.Outcome.ACCEPTED && !publish || a.outcome() == MqttProbe.Outcome.REFUSED) {
            assertThat(wellFormedConnack).as("a CONNACK verdict needs a whole CONNACK").isTrue();
            assertThat(a.code()).isEqualTo(peer[3] & 0xFF);
            assertThat(a.outcome() == MqttProbe.Outcome.ACCEPTED).isEqualTo(a.code() == 0);
        }
        if (publish && a.outcome() == MqttProbe.Outcome.ACCEPTED) {
            // A PUBACK for our packet: type 4, remaining length 2, packet id 1.
            assertThat(peer.length).isGreaterThanOrEqualTo(4);
            assertThat(new int[] { peer[0] & 0xF0, peer[1], peer[2], peer[3] }).containsExactly(0x40, 2, 0, 1);
        }
    }
}
