package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Broker answers found by {@link MqttProbeFuzzer} that the probe misread, and the well-formed ones beside them. */
class MqttProbeAnswerTest {

    private static MqttProbe.Answer connect(int... bytes) throws IOException {
        return new MqttProbe(new FuzzedConnection(toBytes(bytes), false), Duration.ofSeconds(1))
                .connect("c", 60, "", null);
    }

    private static MqttProbe.Answer publish(int... bytes) throws IOException {
        return new MqttProbe(new FuzzedConnection(toBytes(bytes), false), Duration.ofSeconds(1))
                .publish("t", new byte[] { 1 });
    }

    private static byte[] toBytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void aConnackCutShortIsAClosedConnectionNotARefusal() throws IOException {
        // Fuzzer input 2f b2 2f: a CONNACK announcing 178 bytes, one byte, then the close. Was: REFUSED, code -1.
        MqttProbe.Answer a = connect(0x2f, 0xb2, 0x2f);
        assertThat(a.outcome()).isEqualTo(MqttProbe.Outcome.CLOSED);
        assertThat(a.code()).isEqualTo(-1);
        assertThat(a.evidence().get(1)).contains("1 of 178 bytes");
    }

    @Test
    void aConnackOfTheWrongLengthIsUnexpected() throws IOException {
        MqttProbe.Answer a = connect(0x20, 0x00);
        assertThat(a.outcome()).isEqualTo(MqttProbe.Outcome.UNEXPECTED);
        assertThat(a.evidence().get(1)).contains("remaining length 0, not 2");
        assertThat(connect(0x20, 0x03, 0x00, 0x00, 0x00).outcome()).isEqualTo(MqttProbe.Outcome.UNEXPECTED);
    }

    @Test
    void aPubackForAnotherPacketIsUnexpected() throws IOException {
        MqttProbe.Answer a = publish(0x40, 0x02, 0x00, 0x07);
        assertThat(a.outcome()).isEqualTo(MqttProbe.Outcome.UNEXPECTED);
        assertThat(a.evidence().get(1)).contains("packet 7");
        assertThat(publish(0x40, 0x00).outcome()).isEqualTo(MqttProbe.Outcome.UNEXPECTED);
    }

    @Test
    void wellFormedAnswersAreReadAsBefore() throws IOException {
        assertThat(connect(0x20, 0x02, 0x00, 0x00).outcome()).isEqualTo(MqttProbe.Outcome.ACCEPTED);
        MqttProbe.Answer refused = connect(0x20, 0x02, 0x00, 0x05);
        assertThat(refused.outcome()).isEqualTo(MqttProbe.Outcome.REFUSED);
        assertThat(refused.code()).isEqualTo(5);
        assertThat(publish(0x40, 0x02, 0x00, 0x01).outcome()).isEqualTo(MqttProbe.Outcome.ACCEPTED);
        assertThat(connect().outcome()).isEqualTo(MqttProbe.Outcome.CLOSED);
    }
}
