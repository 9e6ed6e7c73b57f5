package io.uplink.modem.quectel;

import io.uplink.modem.serial.FuzzedAtChannel;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

/**
 * Coverage-guided fuzzing of the BC66/BC660K dialect's parsers (docs/FUZZING.md): the URC and answer parsers on any
 * text; attach, certificate provisioning and the stored-slot listing over a channel that answers anything; an open
 * socket fed any sequence of {@code +QIURC}/{@code +QSSLURC}/{@code +QIOPEN}/{@code +CEREG}/{@code SEND OK} lines with
 * {@code AT+QIRD} answered by anything. The contract: parsers return a value or {@code null}, never throw, and never
 * give more data than the line held; the dialect returns or throws {@link ModemException}/{@link IOException} only;
 * a socket holds at most {@link Bc66Socket#MAX_BUFFERED} bytes; a socket reported closed is no longer open.
 */
class Bc66ResponseFuzzer {

    private static final ModemIdentity BC660K = new ModemIdentity("Quectel", "BC660K-GL", "BC660KGLAAR01A05", "1");
    private static final ModemSettings SETTINGS = new ModemSettings("iot.nb", "", "", "", 1,
            Map.of("registration.timeout.s", "0"));
    private static final String[] PREFIXES = { "+QIURC: \"recv\",0,", "+QIURC: \"closed\",", "+QIURC: ",
        "+QIURC: \"buff full\",0", "+QSSLURC: \"recv\",0,0,", "+QSSLURC: \"closed\",0,0", "+QIOPEN: 0,", "+CEREG: ",
        "SEND OK", "SEND FAIL", "+QSSLSEND: 0,0,", "+QIURC: \"recv\",0" };

    @FuzzTest
    void parsesAnyAnswer(FuzzedDataProvider in) throws IOException {
        switch (in.consumeInt(0, 4)) {
        case 0 -> parsers(in);
        case 1 -> attach(in);
        case 2 -> provision(in);
        case 3 -> stored(in);
        default -> socket(in);
        }
    }

    private static void parsers(FuzzedDataProvider in) {
        boolean hex = in.consumeBoolean();
        boolean nextLine = in.consumeBoolean();
        String line = in.consumeRemainingAsString();
        for (String prefix : new String[] { "+QIURC:", "+QSSLURC:" }) {
            Bc66Urcs.Event e = prefix.equals("+QIURC:") ? Bc66Urcs.qiurc(prefix + line, hex)
                    : Bc66Urcs.qsslurc(prefix + line, hex);
            if (e != null && e.data() != null) {
                assertThat(e.data().length).isLessThanOrEqualTo(Math.min(Bc66Urcs.MAX_DATA, line.length()))
                        .isEqualTo(e.announced());
            }
        }
        int[] n = Bc66Urcs.numbers("+QSSLOPEN:" + line, "+QSSLOPEN:", 3);
        assertThat(n == null || n.length == 3).isTrue();
        long stored = Bc66Urcs.storedBytes("+QSSLCFG:" + line, "cacert");
        assertThat(stored).isGreaterThanOrEqualTo(-1).isLessThan(1_000_000_000L);
        Bc66Urcs.Read read = Bc66Urcs.readData("+QIRD:" + line, nextLine ? line : null, hex);
        if (read != null) {
            assertThat(read.data().length).isLessThanOrEqualTo(Bc66Urcs.MAX_DATA);
        }
    }

    private static void attach(FuzzedDataProvider in) {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        try {
            Modem m = new QuectelBc66Dialect().attach(at, BC660K, SETTINGS);
            assertThat(m.registration().isRegistered()).isTrue();
            m.detach();
            assertThat(at.listenerCount()).isZero();
        } catch (ModemException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static Bc66Tls tls(FuzzedAtChannel at) {
        Bc66SocketTransport sockets = new Bc66SocketTransport(at, BC660K, true);
        return new Bc66Tls(at, BC660K, sockets, new Bc66UploadRecord());
    }

    private static void provision(FuzzedDataProvider in) {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        byte[] ca = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes();
        try {
            ProvisioningReport r = tls(at).provision(ModemCredentials.trust("set", ca), ProvisioningListener.NONE);
            assertThat(r.items()).hasSize(1);
            assertThat(r.bytesSent()).isIn(0L, (long) ca.length);
        } catch (ModemException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static void stored(FuzzedDataProvider in) {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        try {
            List<StoredCredential> stored = tls(at).stored();
            assertThat(stored.size()).isLessThanOrEqualTo(3);
            stored.forEach(s -> assertThat(s.bytes()).isPositive());
        } catch (ModemException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static void socket(FuzzedDataProvider in) throws IOException {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        Bc66Modem modem = new Bc66Modem(at, BC660K, RegistrationState.HOME, in.consumeBoolean(),
                new Bc66UploadRecord());
        at.onCommand(c -> {
            if (c.line().startsWith("AT+QIOPEN=")) {
                at.urc("+QIOPEN: 0,0");
            }
        });
        Connection socket;
        try {
            socket = modem.transport().connect("broker.example", 8883, Duration.ofSeconds(1));
        } catch (TransportException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        // A send answered OK is confirmed at once, as the module's SEND OK after it; what is fuzzed is the answer.
        at.onCommand(c -> {
            if (c.line().startsWith("AT+QISEND=")) {
                at.urc("SEND OK");
            }
        });
        socket.setReadTimeout(Duration.ofMillis(1));
        byte[] buffer = new byte[600];
        while (in.remainingBytes() > 0) {
            String line = in.pickValue(PREFIXES) + in.consumeString(60);
            at.urc(line);
            assertThat(modem.registration()).isNotNull();
            assertThat(socket.input().available()).isBetween(0, Bc66Socket.MAX_BUFFERED);
            if (line.equals("+QIURC: \"closed\",0") || line.equals("+QIURC: \"buff full\",0")) {
                assertThat(socket.isOpen()).isFalse();
            }
            int op = in.consumeInt(0, 7);
            try {
                if (op == 0) {
                    assertThat(socket.input().read(buffer)).isBetween(-1, buffer.length);
                } else if (op == 1) {
                    socket.output().write(in.consumeBytes(40));
                }
            } catch (IOException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        socket.close();
        modem.detach();
        assertThat(at.listenerCount()).isZero();
    }
}
