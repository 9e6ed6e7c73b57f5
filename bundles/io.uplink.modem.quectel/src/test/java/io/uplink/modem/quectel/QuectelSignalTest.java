package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.uplink.modem.SignalQuality;

/** Signal answers as the BG95 AT manual shows them, and what a module may send instead. */
class QuectelSignalTest {

    @Test
    void lteFiguresFromQcsq() {
        SignalQuality s = QuectelSignal.parse("+CSQ: 20,99", "+QCSQ: \"eMTC\",-65,-92,138,-10").orElseThrow();
        assertThat(s.csq()).isEqualTo(20);
        assertThat(s.rsrpDbm()).hasValue(-92);
        assertThat(s.sinrDb()).hasValue(7); // 138 fifths of a dB above -20 dB
        assertThat(s.rsrqDb()).hasValue(-10);
        assertThat(s.accessTechnology()).isEqualTo("eMTC");
    }

    @Test
    void csqAloneWhenQcsqIsMissingOrSaysNoService() {
        SignalQuality s = QuectelSignal.parse("+CSQ: 99,99", null).orElseThrow();
        assertThat(s.csq()).isEqualTo(SignalQuality.CSQ_UNKNOWN);
        assertThat(s.rsrpDbm()).isEmpty();
        assertThat(QuectelSignal.parse("+CSQ: 5,0", "+QCSQ: \"NOSERVICE\"").orElseThrow().accessTechnology())
                .isEmpty();
        assertThat(QuectelSignal.parse("+CSQ: 5,0", "+QCSQ: \"GSM\",-70").orElseThrow().accessTechnology())
                .isEqualTo("GSM");
    }

    @Test
    void malformedAnswersAreLeftOutNotGuessed() {
        assertThat(QuectelSignal.parse(null, null)).isEmpty();
        assertThat(QuectelSignal.parse("+CSQ: x,99", null)).isEmpty();
        assertThat(QuectelSignal.parse("+CSQ: 45,99", null)).isEmpty();
        SignalQuality s = QuectelSignal.parse("+CSQ: 12,99", "+QCSQ: \"eMTC\",-65,-500,999,x").orElseThrow();
        assertThat(s.rsrpDbm()).isEmpty();
        assertThat(s.sinrDb()).isEmpty();
        assertThat(s.rsrqDb()).isEmpty();
    }
}
