package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemSettings;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

import org.junit.jupiter.api.Test;

/** Plain sockets of the BC66/BC660K (host TLS runs on these): open, hex sends, push and buffer receive, close. */
class Bc66SocketTest {

    private static Modem attach(ScriptedAtChannel at, boolean push) throws Exception {
        Bc66DialectTest.scriptAttach(at);
        return new QuectelBc66Dialect().attach(at, Bc66DialectTest.BC660K, push ? Bc66DialectTest.SETTINGS
                : new ModemSettings("iot.nb", "", "", "", 1, Map.of("registration.timeout.s", "5", "bc66.receive",
                        "buffer")));
    }

    private static String hex(byte[] b) {
        return Bc66Hex.encode(b, 0, b.length);
    }

    @Test
    void opensSendsInKilobyteHexChunksAndReadsPushedData() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, true);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"broker.example\",8883,0,1").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("broker.example", 8883, Duration.ofSeconds(30));
        assertThat(c.isOpen()).isTrue();

        byte[] data = new byte[2500];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        // One module answers SEND OK as the final result, the next OK and then SEND OK: both are sent.
        at.expect("AT+QISEND=0,1024,\"" + hex(Arrays.copyOfRange(data, 0, 1024)) + "\"").result("SEND OK");
        at.expect("AT+QISEND=0,1024,\"" + hex(Arrays.copyOfRange(data, 1024, 2048)) + "\"").thenUrc("SEND OK");
        at.expect("AT+QISEND=0,452,\"" + hex(Arrays.copyOfRange(data, 2048, 2500)) + "\"").thenUrc("SEND OK");
        c.output().write(data);
        assertThat(at.done()).as("left: %s", at.remaining()).isTrue();

        at.urc("+QIURC: \"recv\",0,5,\"68656C6C6F\"");
        at.urc("+QIURC: \"recv\",0,2,\"0d0a\"");
        byte[] got = new byte[16];
        int n = c.input().readNBytes(got, 0, 7);
        assertThat(new String(got, 0, n, StandardCharsets.ISO_8859_1)).isEqualTo("hello\r\n");

        at.expect("AT+QICLOSE=0").thenUrc("CLOSE OK");
        c.close();
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> c.input().read()).hasMessageContaining("closed");
    }

    @Test
    void sendFailIsRetriedAndAnErrorEndsTheConnection() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, true);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,1").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("h", 1, Duration.ofSeconds(30));
        at.expect("AT+QISEND=0,1,\"41\"").thenUrc("SEND FAIL");
        at.expect("AT+QISEND=0,1,\"41\"").result("SEND OK");
        c.output().write('A');
        at.expect("AT+QISEND=0,1,\"42\"").result("ERROR");
        assertThatThrownBy(() -> c.output().write('B')).isInstanceOf(ModemException.class)
                .hasMessageContaining("ERROR");
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void dataBeforeTheCloseIsDeliveredThenTheCloseIsLoud() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, true);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,1").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("h", 1, Duration.ofSeconds(30));
        at.urc("+QIURC: \"recv\",0,3,\"414243\"");
        at.urc("+QIURC: \"closed\",0");
        assertThat(c.input().readNBytes(3)).isEqualTo("ABC".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                .hasMessageContaining("+QIURC: \"closed\",0").hasMessageContaining("3 received");
        at.expect("AT+QICLOSE=0");
        c.close();
    }

    @Test
    void aFailedOpenIsExplainedAndFreesTheSocket() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, true);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,1").thenUrc("+QIOPEN: 0,565");
        at.expect("AT+QICLOSE=0");
        assertThatThrownBy(() -> m.transport().connect("h", 1, Duration.ofSeconds(30)))
                .isInstanceOf(TransportException.class).hasMessageContaining("+QIOPEN: 0,565")
                .hasMessageContaining("DNS");
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,1").thenUrc("+QIOPEN: 0,0");
        assertThat(m.transport().connect("h", 1, Duration.ofSeconds(30)).isOpen()).as("socket 0 free again").isTrue();
    }

    @Test
    void bufferModeReadsWithQirdOnlyWhenTold() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, false);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,0").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("h", 1, Duration.ofSeconds(30));
        at.urc("+QIURC: \"recv\",0");
        // The module says "recv" once, until a read finds its buffer empty: read until +QIRD: 0.
        at.expect("AT+QIRD=0,512").lines("+QIRD: 5,\"68656C6C6F\"");
        at.expect("AT+QIRD=0,512").lines("+QIRD: 2,1,\"4142\"");
        at.expect("AT+QIRD=0,512").lines("+QIRD: 1,0", "43");
        at.expect("AT+QIRD=0,512").lines("+QIRD: 0");
        assertThat(c.input().readNBytes(8)).isEqualTo("helloABC".getBytes(StandardCharsets.US_ASCII));
        // The data on a line of its own, as some firmware prints it (viewmode 1)
        at.urc("+QIURC: \"recv\",0,2");
        at.expect("AT+QIRD=0,512").lines("+QIRD: 2", "4142");
        at.expect("AT+QIRD=0,512").lines("+QIRD: 0");
        assertThat(c.input().readNBytes(2)).isEqualTo("AB".getBytes(StandardCharsets.US_ASCII));
        c.setReadTimeout(Duration.ofMillis(1));
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(java.net.SocketTimeoutException.class);
        assertThat(at.done()).isTrue();
    }

    @Test
    void aPeerThatOutrunsTheReaderEndsTheConnectionInsteadOfGrowingMemory() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, true);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,1").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("h", 1, Duration.ofSeconds(30));
        String chunk = "+QIURC: \"recv\",0,1000,\"" + "41".repeat(1000) + "\"";
        for (int i = 0; i < 70; i++) {
            at.urc(chunk);
        }
        assertThat(c.isOpen()).isFalse();
        assertThat(c.input().available()).isZero();
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                .hasMessageContaining(String.valueOf(Bc66Socket.MAX_BUFFERED));
    }

    @Test
    void damagedDataIsNeverPassedOn() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, true);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,1").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("h", 1, Duration.ofSeconds(30));
        at.urc("+QIURC: \"recv\",0,4,\"414243\""); // says 4, carries 3
        InputStream in = c.input();
        assertThatThrownBy(in::read).isInstanceOf(ModemException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void buffFullIsADataLossAndSaidSo() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, false);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,0").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("h", 1, Duration.ofSeconds(30));
        at.urc("+QIURC: \"buff full\",0");
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                .hasMessageContaining("overflowed");
        at.expect("AT+QICLOSE=0");
        c.close();
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,0").thenUrc("+QIOPEN: 0,0");
        Connection d = m.transport().connect("h", 1, Duration.ofSeconds(30));
        at.urc("+QIURC: \"recv\",0,\"buff full\""); // the other form seen in the field
        assertThat(d.isOpen()).isFalse();
        assertThatThrownBy(() -> d.input().read()).hasMessageContaining("overflowed");
    }

    @Test
    void fiveSocketsAtMost() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, true);
        for (int i = 0; i < 5; i++) {
            at.expect("AT+QIOPEN=0," + i + ",\"TCP\",\"h\",1,0,1").thenUrc("+QIOPEN: " + i + ",0");
            m.transport().connect("h", 1, Duration.ofSeconds(30));
        }
        assertThatThrownBy(() -> m.transport().connect("h", 1, Duration.ofSeconds(30)))
                .isInstanceOf(TransportException.class).hasMessageContaining("All 5 sockets");
    }

    /** Found by Bc66ResponseFuzzer (crash-bbc27434...): a late +QIOPEN: 0,0 turned a failed socket open again. */
    @Test
    void aLateOpenResultNeverRevivesAFailedSocket() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        Modem m = attach(at, false);
        at.expect("AT+QIOPEN=0,0,\"TCP\",\"h\",1,0,0").thenUrc("+QIOPEN: 0,0");
        Connection c = m.transport().connect("h", 1, Duration.ofSeconds(30));
        at.urc("+QIURC: \"buff full\",0");
        assertThat(c.isOpen()).isFalse();
        at.urc("+QIOPEN: 0,0");
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class);
    }
}
