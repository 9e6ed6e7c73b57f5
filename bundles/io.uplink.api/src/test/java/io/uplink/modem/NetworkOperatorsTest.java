package io.uplink.modem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetworkOperatorsTest {

    @Test
    void readsTheQuotedOperatorInEveryFormat() {
        assertThat(NetworkOperators.fromCopsAnswer("+COPS: 0,0,\"CHINA MOBILE\",8")).hasValue("CHINA MOBILE");
        assertThat(NetworkOperators.fromCopsAnswer("+COPS: 0,2,\"26201\",7")).hasValue("26201");
        assertThat(NetworkOperators.fromCopsAnswer("  +COPS: 1,1,\"TDG\"")).hasValue("TDG");
    }

    @Test
    void notRegisteredMalformedOrForeignLinesHaveNoOperator() {
        assertThat(NetworkOperators.fromCopsAnswer("+COPS: 0")).isEmpty();
        assertThat(NetworkOperators.fromCopsAnswer("+COPS: 0,0,\"unterminated")).isEmpty();
        assertThat(NetworkOperators.fromCopsAnswer("+COPS: 0,0,\"\",8")).isEmpty();
        assertThat(NetworkOperators.fromCopsAnswer("+CREG: 0,1")).isEmpty();
        assertThat(NetworkOperators.fromCopsAnswer(null)).isEmpty();
    }

    @Test
    void aHostileNameIsCleanedAndBounded() {
        assertThat(NetworkOperators.fromCopsAnswer("+COPS: 0,0,\"Evil\u0007\u001b[2JNet\",7")).hasValue("Evil[2JNet");
        assertThat(NetworkOperators.fromCopsAnswer("+COPS: 0,0,\"" + "x".repeat(5000) + "\",7").orElseThrow())
                .hasSize(NetworkOperators.MAX_NAME);
    }
}
