package io.uplink.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class ValueCheckTest {

    @Test
    void wordsWhereNumbersBelongAreNamed() {
        assertThat(ValueCheck.check(AttributeDefinition.LONG, "abc").problem()).isEqualTo("is not a whole number");
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, "12.5").usable()).isFalse();
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, "").usable()).isFalse();
        assertThat(ValueCheck.check(AttributeDefinition.DOUBLE, "fast").problem()).contains("not a number");
        assertThat(ValueCheck.check(AttributeDefinition.DOUBLE, "NaN").usable()).isFalse();
    }

    @Test
    void numbersTooLargeForTheFieldAreNamed() {
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, "99999999999").problem())
                .contains("too large").contains("2147483647");
        assertThat(ValueCheck.check(AttributeDefinition.LONG, "99999999999").usable()).isTrue();
        assertThat(ValueCheck.check(AttributeDefinition.LONG, "99999999999999999999999").usable()).isFalse();
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, 99_999_999_999L).usable()).isFalse();
        assertThat(ValueCheck.check(AttributeDefinition.SHORT, 40000).usable()).isFalse();
    }

    @Test
    void aFloatBeyondTheFloatRangeIsTooLarge() {
        // Found by ValueCheckFuzzer: "1111111111111111111111111111111111111111111111112" (a 1 and 47 more digits) is
        // a finite double but an infinite float; DS would have given the component Infinity.
        String big = "1".repeat(48) + "2";
        assertThat(ValueCheck.check(AttributeDefinition.FLOAT, big).problem()).contains("too large").contains("float");
        assertThat(ValueCheck.check(AttributeDefinition.FLOAT, "-3.5e38").usable()).isFalse();
        assertThat(ValueCheck.check(AttributeDefinition.DOUBLE, big).usable()).isTrue();
        assertThat(ValueCheck.check(AttributeDefinition.FLOAT, "3.4e38").usable()).isTrue();
        assertThat(ValueCheck.check(AttributeDefinition.FLOAT, "0.25").value()).isEqualTo("0.25");
    }

    @Test
    void spacesAroundNumbersAndBooleansAreForgiven() {
        ValueCheck.Result r = ValueCheck.check(AttributeDefinition.INTEGER, " 4321 ");
        assertThat(r.usable()).isTrue();
        assertThat(r.value()).isEqualTo("4321");
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, "+5").value()).isEqualTo("5");
        assertThat(ValueCheck.check(AttributeDefinition.BOOLEAN, " TRUE").value()).isEqualTo("true");
    }

    @Test
    void booleansAreTrueOrFalseNotYes() {
        // DS would silently read 'yes' as false.
        assertThat(ValueCheck.check(AttributeDefinition.BOOLEAN, "yes").problem()).contains("neither true nor false");
    }

    @Test
    void textAndPasswordsAndTypedValuesPass() {
        assertThat(ValueCheck.check(AttributeDefinition.STRING, " keep my spaces ").value())
                .isEqualTo(" keep my spaces ");
        assertThat(ValueCheck.check(AttributeDefinition.PASSWORD, "x").usable()).isTrue();
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, 42).usable()).isTrue();
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, null).usable()).isTrue();
    }

    @Test
    void arraysAreCheckedElementByElement() {
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, new String[] { "1", " 2" }).value())
                .isEqualTo(new String[] { "1", "2" });
        assertThat(ValueCheck.check(AttributeDefinition.INTEGER, new String[] { "1", "x" }).problem())
                .startsWith("element 2 ");
    }
}
