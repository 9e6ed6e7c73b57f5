package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.Set;

import io.uplink.modem.CredentialKind;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ModemTlsProfile.Verification;

import org.junit.jupiter.api.Test;

/** The pure parts of the BG95's modem TLS: checksums, file listings, SSL settings, the clock. */
class QuectelTlsPartsTest {

    @Test
    void checksumIsTheXorOfBigEndianWordsWithAnOddLastByteHigh() {
        assertThat(QuectelFiles.checksum("test".getBytes(StandardCharsets.US_ASCII))).isEqualTo("711"); // 7465^7374
        assertThat(QuectelFiles.checksum("ABC".getBytes(StandardCharsets.US_ASCII))).isEqualTo("242"); // 4142^4300
        assertThat(QuectelFiles.checksum(new byte[0])).isEqualTo("0");
        assertThat(QuectelFiles.checksum(new byte[] { (byte) 0xFF, (byte) 0xFE })).isEqualTo("fffe");
        assertThat(QuectelFiles.sameChecksum("0711", "711")).isTrue();
        assertThat(QuectelFiles.sameChecksum("0X711", "711")).isTrue();
        assertThat(QuectelFiles.sameChecksum("712", "711")).isFalse();
        assertThat(QuectelFiles.sameChecksum("zz", "711")).isFalse();
    }

    @Test
    void fileListingLinesWithAndWithoutTheDrive() {
        assertThat(QuectelFileLine.parse("+QFLST: \"UFS:uplink.ca.pem\",1187"))
                .isEqualTo(new QuectelFileLine("uplink.ca.pem", 1187));
        assertThat(QuectelFileLine.parse("+QFLST: \"cert,with,commas.pem\",12"))
                .isEqualTo(new QuectelFileLine("cert,with,commas.pem", 12));
        assertThat(QuectelFileLine.parse("+QFLST: \"UFS:x\",-1")).isNull();
        assertThat(QuectelFileLine.parse("+QFLST: UFS:x,1")).isNull();
        assertThat(QuectelFileLine.parse("+QFLST:")).isNull();
        assertThat(QuectelFileLine.parse("+QFLST: \"\",5")).isNull();
    }

    @Test
    void fileListingParserNeverThrowsOnGarbage() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            String line = "+QFLST:" + new String(b, StandardCharsets.ISO_8859_1);
            QuectelFileLine f = QuectelFileLine.parse(line);
            if (f != null) {
                assertThat(f.size()).isNotNegative();
                assertThat(f.name()).isNotEmpty();
            }
        }
    }

    @Test
    void mutualProfileSetsEveryItemSafely() {
        ModemTlsProfile p = ModemTlsProfile.builder().serverName("broker.example").verification(Verification.MUTUAL)
                .trustSet("ca1").identitySet("dev1").versions(Set.of("TLSv1.2"))
                .handshakeTimeout(Duration.ofSeconds(500)).build();
        List<String> lines = QuectelSslSettings.lines(2, p, true, (set, kind) -> "UFS:" + QuectelTls.fileName(set,
                kind));
        assertThat(lines).containsExactly("AT+QSSLCFG=\"sslversion\",2,3", "AT+QSSLCFG=\"ciphersuite\",2,0XFFFF",
                "AT+QSSLCFG=\"seclevel\",2,2", "AT+QSSLCFG=\"cacert\",2,\"UFS:ca1.ca.pem\"",
                "AT+QSSLCFG=\"clientcert\",2,\"UFS:dev1.crt.pem\"", "AT+QSSLCFG=\"clientkey\",2,\"UFS:dev1.key.pem\"",
                "AT+QSSLCFG=\"ignorelocaltime\",2,0", "AT+QSSLCFG=\"negotiatetime\",2,300",
                "AT+QSSLCFG=\"sni\",2,1");
    }

    @Test
    void noServerNameMeansNoSniAndOneSuiteIsNamed() {
        ModemTlsProfile p = ModemTlsProfile.builder().verification(Verification.SERVER).trustSet("ca1")
                .cipherSuites(List.of(0x0035)).build();
        List<String> lines = QuectelSslSettings.lines(0, p, false, (set, kind) -> QuectelTls.fileName(set, kind));
        assertThat(lines).contains("AT+QSSLCFG=\"ciphersuite\",0,0X0035", "AT+QSSLCFG=\"seclevel\",0,1",
                "AT+QSSLCFG=\"sni\",0,0", "AT+QSSLCFG=\"ignorelocaltime\",0,1", "AT+QSSLCFG=\"sslversion\",0,4")
                .noneMatch(l -> l.contains("clientkey"));
        assertThat(QuectelTls.fileName("ca1", CredentialKind.CA_CERTIFICATES)).isEqualTo("ca1.ca.pem");
    }

    @Test
    void moduleClockIsReadWithItsQuarterHourZone() {
        assertThat(QuectelSslSettings.parseClock("+CCLK: \"26/12/03,10:15:30+08\"")).isEqualTo(
                OffsetDateTime.of(2026, 12, 3, 10, 15, 30, 0, ZoneOffset.ofHours(2)));
        assertThat(QuectelSslSettings.parseClock("+CCLK: \"80/01/06,00:00:10-20\"").getYear()).isEqualTo(1980);
        assertThat(QuectelSslSettings.parseClock("+CCLK: \"garbage\"")).isNull();
        assertThat(QuectelSslSettings.parseClock("+CCLK: \"26/13/99,99:99:99+00\"")).isNull();
        assertThat(QuectelSslSettings.parseClock(null)).isNull();
    }
}
