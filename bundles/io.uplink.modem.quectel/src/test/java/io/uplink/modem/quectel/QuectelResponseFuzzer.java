package io.uplink.modem.quectel;

import io.uplink.modem.serial.FuzzedAtChannel;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.StoredCredential;

/**
 * Coverage-guided fuzzing of the Quectel dialect's response parsers (docs/FUZZING.md): attach (SIM, registration,
 * PDP context), the file system ({@code +QFLST}, {@code +QFUPL}, {@code +QFDWL}, {@code AT+QFDEL}), the stored TLS
 * credentials, the module clock ({@code +CCLK}) and the checksum comparison, over a channel that answers anything.
 * The contract: each returns a value or throws {@link ModemException}, nothing else; what comes back is bounded by
 * what the module said.
 */
class QuectelResponseFuzzer {

    private static final ModemIdentity BG95 = new ModemIdentity("Quectel", "BG95-M3", "BG95M3LAR02A03", "1");
    /** No PIN (a PIN makes attach pause for the SIM) and no registration wait: one pass over each answer. */
    private static final ModemSettings SETTINGS = new ModemSettings("internet", "", "", "", 1,
            Map.of("registration.timeout.s", "0"));

    @FuzzTest
    void parsesAnyAnswer(FuzzedDataProvider in) {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        int operation = in.consumeInt(0, 7);
        try {
            switch (operation) {
            case 0 -> attach(at);
            case 1 -> list(at);
            case 2 -> {
                byte[] data = in.consumeBytes(in.consumeInt(0, 600));
                String checksum = new QuectelFiles(at).upload("a.pem", data, in.consumeBoolean());
                assertThat(checksum).isNotBlank();
                assertThat((long) checksum.length()).isLessThanOrEqualTo(at.longestAnswer());
            }
            case 3 -> {
                long size = in.consumeLong(-2, 70_000);
                assertThat(new QuectelFiles(at).download("a.pem", size)).hasSize((int) size);
            }
            case 4 -> new QuectelFiles(at).delete("a.pem");
            case 5 -> stored(at);
            case 6 -> clock(in.consumeRemainingAsString());
            default -> {
                String reported = in.consumeString(40);
                QuectelFiles.sameChecksum(reported, QuectelFiles.checksum(in.consumeRemainingAsBytes()));
                QuectelFileLine.parse("+QFLST: " + reported);
            }
            }
        } catch (ModemException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static void attach(FuzzedAtChannel at) throws ModemException {
        Modem modem = new QuectelBg9xDialect().attach(at, BG95, SETTINGS);
        assertThat(modem.registration().isRegistered()).isTrue();
        assertThat(modem.identity()).isEqualTo(BG95);
        modem.detach();
        assertThat(at.listenerCount()).isZero();
    }

    private static void list(FuzzedAtChannel at) throws ModemException {
        Map<String, Long> files = new QuectelFiles(at).list();
        for (Map.Entry<String, Long> f : files.entrySet()) {
            assertThat(f.getKey()).isNotEmpty().doesNotStartWith("UFS:");
            assertThat(f.getValue()).isNotNegative();
            assertThat((long) f.getKey().length()).isLessThanOrEqualTo(at.longestAnswer());
        }
    }

    private static void stored(FuzzedAtChannel at) throws ModemException {
        QuectelSocketTransport sockets = new QuectelSocketTransport(at, 1, BG95);
        List<StoredCredential> stored = new QuectelTls(at, 1, BG95, sockets).stored();
        for (StoredCredential c : stored) {
            assertThat(c.name()).isNotEmpty();
            assertThat((long) c.location().length()).isLessThanOrEqualTo(at.longestAnswer() + 4);
        }
    }

    private static void clock(String text) {
        OffsetDateTime t = QuectelSslSettings.parseClock("+CCLK: " + text);
        if (t != null) {
            // The zone is given in quarter hours; a valid one is within +-18 h (+-72 quarters).
            int seconds = t.getOffset().getTotalSeconds();
            assertThat(seconds % (15 * 60)).isZero();
            String v = text.trim().replace("\"", "");
            String zone = v.length() > 17 ? v.substring(17).replace("+", "") : "0";
            assertThat(Long.parseLong(zone) * 15 * 60).isEqualTo(seconds);
        }
    }
}
