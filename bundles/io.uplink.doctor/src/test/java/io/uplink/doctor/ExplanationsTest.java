package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.uplink.doctor.Explanations.Confidence;
import io.uplink.doctor.Explanations.Explanation;

/** The raw codes of the seed threads, and their neighbours, in plain words. */
class ExplanationsTest {

    private static Explanation explain(String raw) {
        return Explanations.explain(raw).orElseThrow(() -> new AssertionError("not recognised: " + raw));
    }

    @Test
    void bc66SslOpenMinus9InBothSpellingsSaysItIsUndocumentedAndWhatToDo() {
        for (String raw : new String[] { "+QSSLOPEN: 1,5,-9", "+QSSLOPEN,3,5,-9" }) {
            Explanation e = explain(raw);
            assertThat(e.source()).contains("BC66");
            assertThat(e.confidence()).isEqualTo(Confidence.UNDOCUMENTED);
            assertThat(e.meaning()).contains("not documented");
            assertThat(e.fix()).contains("bin/uplink doctor");
        }
        assertThat(explain("+QSSLOPEN: 0,0,-5").fix()).contains("host TLS").contains("ECDHE");
    }

    @Test
    void bg95CodesComeFromItsTable() {
        Explanation e = explain("+QSSLOPEN: 1,566");
        assertThat(e.source()).contains("BG95");
        assertThat(e.meaning()).contains("connect failed");
        assertThat(e.fix()).contains("sni");
        assertThat(explain("+QIOPEN: 0,565").meaning()).contains("DNS");
        assertThat(explain("+QIOPEN: 0,599").confidence()).isEqualTo(Confidence.UNDOCUMENTED);
    }

    @Test
    void mbedTlsPeerClosedIsNamedWithWhatToCheck() {
        Explanation e = explain("TLS 1.2 mqtt:ssl handshake failed err:-0x7280");
        assertThat(e.meaning()).contains("EOF").contains("closed");
        assertThat(e.fix()).contains("doctor");
        assertThat(explain("-0x7800").meaning()).contains("2.x").contains("3.x");
        assertThat(explain("-0x1234").confidence()).isEqualTo(Confidence.UNDOCUMENTED);
    }

    @Test
    void cmeErrorsSayWhichFamilyAndHowSure() {
        Explanation sierra = explain("+CME ERROR: 918");
        assertThat(sierra.source()).contains("Sierra");
        assertThat(sierra.confidence()).isEqualTo(Confidence.FIELD);
        assertThat(sierra.meaning()).contains("not documented");
        assertThat(explain("+CME ERROR: 931").fix()).contains("line breaks");
        Explanation short930 = explain("+CME ERROR: 930");
        assertThat(short930.source()).contains("Sierra");
        assertThat(short930.confidence()).isEqualTo(Confidence.FIELD);
        assertThat(short930.meaning()).contains("not documented").contains("fewer bytes");
        Explanation nordic = explain("+CME ERROR: 518");
        assertThat(nordic.source()).contains("nRF91");
        assertThat(nordic.fix()).contains("AT+CFUN=4");
        assertThat(explain("+CME ERROR: 10").meaning()).isEqualTo("SIM not inserted");
    }

    @Test
    void sierraNotificationsQuectelMqttAndPaho() {
        assertThat(explain("+KTCP_NOTIF: 1,13").meaning()).isEqualTo("SSL connection error");
        assertThat(explain("+QMTSTAT: 0,5").fix()).contains("AWS IoT");
        assertThat(explain("+QMTCONN: 0,0,5").meaning()).contains("not authorized");
        assertThat(explain("32202").meaning()).contains("in-flight");
        assertThat(explain("(32109)").fix()).contains("doctor");
        assertThat(Explanations.explain("the weather is fine")).isEmpty();
        assertThat(Explanations.explain("")).isEmpty();
    }
}
