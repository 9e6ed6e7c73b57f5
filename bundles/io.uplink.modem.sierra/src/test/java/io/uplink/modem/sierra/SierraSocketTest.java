package io.uplink.modem.sierra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain TCP sessions: KTCPCFG, KTCPCNX, KTCPSND with the EOF pattern, +KTCP_DATA and KTCPRCV, every failure. */
class SierraSocketTest {

    private static final Duration T = Duration.ofSeconds(10);
    private final FakeHl78 fake = new FakeHl78();
    private Modem modem;

    @BeforeEach
    void attach() throws Exception {
        modem = new SierraHl78Dialect().attach(fake, SierraDialectTest.HL7800, SierraDialectTest.settings(Map.of()));
        fake.sent.clear();
    }

    @AfterEach
    void close() throws Exception {
        modem.detach();
        fake.close();
    }

    @Test
    void aSessionIsConfiguredConnectedUsedAndDeleted() throws Exception {
        Connection c = modem.transport().connect("broker.example", 1883, T);
        c.output().write("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.input().readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
        c.close();
        assertThat(fake.lines()).containsExactly("AT+KTCPCFG=1,0,\"broker.example\",1883", "AT+KTCPCNX=1",
                "AT+KTCPSND=1,5", "AT+KTCPSTAT=1", "AT+KTCPRCV=1,5", "AT+KTCPCLOSE=1", "AT+KTCPDEL=1");
        assertThat(new String(fake.sent.get(2).payload(), StandardCharsets.US_ASCII))
                .isEqualTo("hello--EOF--Pattern--");
        assertThat(c.isOpen()).isFalse();
        assertThat(fake.sessions).isEmpty();
    }

    @Test
    void firmwareWithoutKtcpstatIsReadByTheUrcCountsAndNotAskedAgain() throws Exception {
        fake.statusSupported = false;
        fake.echo = false;
        try (Connection c = modem.transport().connect("10.0.0.1", 7, T)) {
            fake.peerSends(1, "one".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.input().readNBytes(3)).asString(StandardCharsets.US_ASCII).isEqualTo("one");
            fake.peerSends(1, "two!".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.input().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("two!");
        }
        assertThat(fake.lines()).containsSubsequence("AT+KTCPSTAT=1", "AT+KTCPRCV=1,3", "AT+KTCPRCV=1,4");
        assertThat(fake.lines().stream().filter(l -> l.startsWith("AT+KTCPSTAT"))).hasSize(1);
    }

    @ParameterizedTest(name = "AT+KTCPSTAT answered: {0}")
    @ValueSource(booleans = { true, false })
    void twoHundredKilobytesEachWayArriveByteExact(boolean status) throws Exception {
        fake.statusSupported = status;
        byte[] data = new byte[200_000];
        new Random(78).nextBytes(data);
        try (Connection c = modem.transport().connect("10.0.0.1", 7, T)) {
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.input().readNBytes(data.length);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            for (int off = 0; off < data.length; off += 3000) {
                c.output().write(data, off, Math.min(3000, data.length - off));
            }
            assertThat(back.get(60, TimeUnit.SECONDS)).isEqualTo(data);
        }
        assertThat(fake.lines()).allMatch(l -> !l.startsWith("AT+KTCPRCV") || Integer.parseInt(l.substring(
                l.indexOf(',') + 1)) <= SierraCommands.MAX_READ);
    }

    @Test
    void dataHoldingTheEofPatternIsCutSoThatNoDataPhaseEndsEarly() throws Exception {
        String text = "a--EOF--Pattern--b--EOF--Pattern----EOF--Pattern--";
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        try (Connection c = modem.transport().connect("10.0.0.1", 7, T)) {
            c.output().write(data);
            assertThat(c.input().readNBytes(data.length)).isEqualTo(data);
        }
        // the fake answers +KTCP_NOTIF: 8 to a phase whose data holds the pattern; none came, and every byte arrived
        assertThat(fake.sessions).isEmpty();
        assertThat(fake.sent.stream().filter(s -> s.line().startsWith("AT+KTCPSND")).count()).isGreaterThan(1);
    }

    @Test
    void dataTheRemoteSendsBeforeAReadIsCountedFromTheUrc() throws Exception {
        fake.echo = false;
        try (Connection c = modem.transport().connect("10.0.0.1", 7, T)) {
            fake.peerSends(1, "first".getBytes(StandardCharsets.US_ASCII));
            fake.peerSends(1, "second".getBytes(StandardCharsets.US_ASCII)); // not notified: the module waits for a read
            assertThat(c.input().readNBytes(11)).asString(StandardCharsets.US_ASCII).isEqualTo("firstsecond");
        }
    }

    @Test
    void aRemoteCloseDeliversWhatIsLeftThenFailsLoudly() throws Exception {
        fake.echo = false;
        Connection c = modem.transport().connect("10.0.0.1", 7, T);
        fake.peerSends(1, "bye".getBytes(StandardCharsets.US_ASCII));
        fake.urc("+KTCP_NOTIF: 1,4");
        assertThat(c.input().readNBytes(3)).asString(StandardCharsets.US_ASCII).isEqualTo("bye");
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                .hasMessageContaining("closed by the remote side").hasMessageContaining("+KTCP_NOTIF: 1,4");
        assertThatThrownBy(() -> c.output().write(1)).isInstanceOf(ModemException.class);
        c.close();
    }

    @Test
    void aSendLengthMismatchFailsTheSession() throws Exception {
        Connection c = modem.transport().connect("10.0.0.1", 7, T);
        fake.urc("+KTCP_NOTIF: 1,8");
        assertThatThrownBy(() -> c.output().write(1)).isInstanceOf(ModemException.class)
                .hasMessageContaining("expected more or fewer bytes").hasMessageContaining("EOF pattern");
        assertThat(c.isOpen()).isFalse();
        c.close();
    }

    @Test
    void aModuleThatSendsFewerBytesThanAskedFailsTheReadInsteadOfMisreading() throws Exception {
        fake.shortReads = true;
        fake.echo = false;
        Connection c = modem.transport().connect("10.0.0.1", 7, T);
        fake.peerSends(1, "abcdef".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                .hasMessageContaining("5 of 6 announced bytes");
        c.close();
    }

    @ParameterizedTest(name = "+KTCP_NOTIF: {0}")
    @ValueSource(ints = { 0, 1, 2, 3, 5, 6, 11, 12, 13, 14, 15 })
    void aFailedConnectNamesTheNotificationInPlainWords(int code) {
        fake.connectNotification = code;
        SierraErrors.Entry e = SierraErrors.notification(code);
        assertThatThrownBy(() -> modem.transport().connect("broker.example", 1883, T))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("+KTCP_NOTIF: 1," + code).hasMessageContaining(e.meaning())
                .satisfies(x -> {
                    assertThat(((TransportException) x).reason()).isEqualTo(e.reason());
                    assertThat(((TransportException) x).fix()).isEqualTo(e.fix());
                });
        assertThat(fake.lines()).endsWith("AT+KTCPCLOSE=1", "AT+KTCPDEL=1");
    }

    @Test
    void aChannelFailureWhileConnectingFreesTheSessionInTheModuleAndInTheTransport() throws Exception {
        fake.failNext = "AT+KTCPCNX";
        assertThatThrownBy(() -> modem.transport().connect("10.0.0.1", 7, T)).isInstanceOf(TransportException.class)
                .hasMessageContaining("could not connect session 1")
                .satisfies(x -> assertThat(((TransportException) x).reason()).isEqualTo(Reason.TRANSPORT_GONE));
        assertThat(fake.lines()).endsWith("AT+KTCPCLOSE=1", "AT+KTCPDEL=1");
        assertThat(fake.sessions).isEmpty();
        assertThat(((SierraSocketTransport) modem.transport()).open()).isEmpty();
    }

    @Test
    void aDnsFailureIsClassifiedAsSuch() {
        fake.connectNotification = 3;
        assertThatThrownBy(() -> modem.transport().connect("no.such.host", 1883, T))
                .isInstanceOf(TransportException.class)
                .satisfies(x -> assertThat(((TransportException) x).reason()).isEqualTo(Reason.DNS_FAILED));
    }

    @Test
    void noIndicationInTimeClosesTheSessionAgain() {
        fake.connectNotification = -2;
        assertThatThrownBy(() -> modem.transport().connect("10.0.0.1", 7, Duration.ofMillis(200)))
                .isInstanceOf(TransportException.class).hasMessageContaining("No +KTCP_IND")
                .satisfies(x -> assertThat(((TransportException) x).reason()).isEqualTo(Reason.TIMEOUT));
        assertThat(fake.sessions).isEmpty();
    }

    @Test
    void aReadTimesOutLikeASocketAndTheSessionStaysUsable() throws Exception {
        fake.echo = false;
        try (Connection c = modem.transport().connect("10.0.0.1", 7, T)) {
            c.setReadTimeout(Duration.ofMillis(50));
            assertThatThrownBy(() -> c.input().read()).isInstanceOf(java.net.SocketTimeoutException.class);
            fake.peerSends(1, new byte[] { 42 });
            assertThat(c.input().read()).isEqualTo(42);
        }
    }

    @Test
    void detachFailsOpenSessionsAndClosesThemInTheModule() throws Exception {
        Connection c = modem.transport().connect("10.0.0.1", 7, T);
        modem.detach();
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class).hasMessageContaining("detached");
        assertThat(fake.lines()).endsWith("AT+KTCPCLOSE=1", "AT+KTCPDEL=1");
        assertThatThrownBy(() -> modem.transport().connect("10.0.0.1", 7, T)).isInstanceOf(TransportException.class)
                .satisfies(x -> assertThat(((TransportException) x).reason()).isEqualTo(Reason.TRANSPORT_GONE));
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyCommand() {
        assertThatThrownBy(() -> modem.transport().connect("a\"b", 1, T)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> modem.transport().connect("h", 0, T)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> modem.transport().connect("h", 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(fake.sent).isEmpty();
    }

    @Test
    void everyNotificationCodeOfTheManualIsExplainedWithAFix() {
        for (int code = 0; code <= 15; code++) {
            SierraErrors.Entry e = SierraErrors.notification(code);
            assertThat(e.meaning()).as("code %d", code).isNotBlank().doesNotContain("not in the HL78xx manual");
            assertThat(e.fix()).as("code %d", code).isNotBlank();
        }
        assertThat(SierraErrors.notification(16).meaning()).contains("not in the HL78xx manual");
        assertThat(SierraErrors.cme(931).meaning()).contains("undocumented");
        assertThat(SierraErrors.cme(930).meaning()).contains("undocumented");
        assertThat(SierraErrors.cme(918).meaning()).contains("undocumented");
    }
}
