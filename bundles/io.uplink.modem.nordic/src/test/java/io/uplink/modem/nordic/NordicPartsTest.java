package io.uplink.modem.nordic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import io.uplink.modem.RegistrationState;

import org.junit.jupiter.api.Test;

/** The pure parts: %CMNG lines and tags, data-mode segments, +CEREG forms, the read answer. */
class NordicPartsTest {

    @Test
    void listLinesAreParsedWithTheirUpperCaseSha() {
        List<NordicCmng.Entry> e = NordicCmng.parse(List.of(
                "%CMNG: 16842753,0,\"2c43952ee9e000ff2acc4e2ed0897c0a72ad5fa72c3d934e81741cbd54f05bd1\"",
                "%CMNG: 16842753,1,\"2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD2\"",
                "%CMNG: 4294967292,8", "%CMNG: x,1", "OK nonsense"));
        assertThat(e).hasSize(3);
        assertThat(e.get(0).sha256()).isEqualTo("2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1");
        assertThat(e.get(2).sha256()).isEmpty();
        assertThat(NordicCmng.byType(e, 16842753)).containsKeys(0, 1);
    }

    @Test
    void aDecimalSetNameIsItsTagOthersMapIntoUplinksRange() {
        assertThat(NordicCmng.tag("16842753")).isEqualTo(16842753);
        assertThat(NordicCmng.tag("2147483648")).isBetween(NordicCmng.UPLINK_TAG_BASE, NordicCmng.UPLINK_TAG_BASE
                + 0xFFFFF);
        long t = NordicCmng.tag("aws-device");
        assertThat(t).isBetween(NordicCmng.UPLINK_TAG_BASE, NordicCmng.UPLINK_TAG_BASE + 0xFFFFF)
                .isEqualTo(NordicCmng.tag("aws-device")).isLessThanOrEqualTo(NordicCmng.MAX_TAG);
    }

    @Test
    void pemThatCannotGoInsideQuotesIsNamed() {
        assertThat(NordicCmng.unwritable("-----BEGIN X-----\nAA\n-----END X-----\n".getBytes())).isNull();
        assertThat(NordicCmng.unwritable("a\"b".getBytes())).contains("quote");
        assertThat(NordicCmng.unwritable("a\r\nb".getBytes())).contains("0x0d");
        assertThat(NordicCmng.unwritable(new byte[5000])).contains("at most");
        assertThat(NordicCmng.unwritable(new byte[0])).contains("empty");
    }

    @Test
    void theShaIsUpperCaseHexOfTheBytes() {
        assertThat(NordicCmng.sha256("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
    }

    @Test
    void dataModeSegmentsNeverHoldTheTerminatorNorEndWithAPlus() {
        Random random = new Random(91);
        for (int round = 0; round < 2000; round++) {
            byte[] data = new byte[random.nextInt(6000)];
            for (int i = 0; i < data.length; i++) {
                data[i] = random.nextInt(4) == 0 ? (byte) '+' : (byte) random.nextInt(256);
            }
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (NordicDataMode.Segment s : NordicDataMode.split(data, 0, data.length)) {
                joined.writeBytes(s.bytes());
                assertThat(s.bytes()).isNotEmpty();
                String text = new String(s.bytes(), StandardCharsets.ISO_8859_1);
                if (s.text()) {
                    assertThat(text).matches("\\++").hasSizeLessThanOrEqualTo(NordicDataMode.MAX_TEXT);
                } else {
                    assertThat(text).doesNotContain("+++").doesNotEndWith("+");
                    assertThat(s.bytes().length).isLessThanOrEqualTo(NordicDataMode.MAX_SEGMENT);
                }
            }
            assertThat(joined.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    void textWithoutPlusSignsIsOneDataModeSegment() {
        byte[] d = "hello, \"world\"\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(NordicDataMode.split(d, 0, d.length)).singleElement()
                .satisfies(s -> assertThat(s.text()).isFalse());
        byte[] p = "a+++b++".getBytes(StandardCharsets.US_ASCII);
        assertThat(NordicDataMode.split(p, 0, p.length)).extracting(s -> new String(s.bytes()) + (s.text() ? "/t" : ""))
                .containsExactly("a", "+++/t", "b", "++/t");
    }

    @Test
    void ceregReadAnswersAndUrcsGiveTheStat() {
        assertThat(NordicNetwork.registrationOf("+CEREG: 1,5")).isEqualTo(RegistrationState.ROAMING);
        assertThat(NordicNetwork.registrationOf("+CEREG: 2,1,\"002F\",\"0012BEEF\",7")).isEqualTo(
                RegistrationState.HOME);
        assertThat(NordicNetwork.registrationOf("+CEREG: 2")).isEqualTo(RegistrationState.SEARCHING);
        assertThat(NordicNetwork.registrationOf("+CEREG: 1,\"002F\",\"0012BEEF\",7")).isEqualTo(
                RegistrationState.HOME);
        assertThat(NordicNetwork.registrationOf("+CEREG: x")).isEqualTo(RegistrationState.UNKNOWN);
    }

    @Test
    void aReadAnswerSplitAtItsLineFeedsGivesThePemBack() {
        byte[] pem = NordicCredentials.parseRead(List.of("%CMNG: 42,0,\""
                + "2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1\",\"-----BEGIN CERTIFICATE-----",
                "MIIB", "-----END CERTIFICATE-----", "\""));
        assertThat(new String(pem, StandardCharsets.US_ASCII)).isEqualTo(
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertThat(NordicCredentials.parseRead(List.of("%CMNG: 42,0"))).isNull();
        assertThat(NordicCredentials.parseRead(List.of())).isNull();
    }
}
