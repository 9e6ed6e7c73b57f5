package io.uplink.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Hashtable;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Coverage-guided fuzzing of the configuration value check (docs/FUZZING.md): any text from a {@code conf/*.cfg}
 * file, or typed numbers, single or in arrays, against each metatype type. The contract of
 * {@link ValueCheck#check}: it never throws, and a value it calls usable becomes its type the way Declarative
 * Services converts it (a whole number in range, a finite number, true or false, one character) without an error.
 * The file name a problem is reported with is any text too ({@link ConfigurationGuard#source}).
 */
class ValueCheckFuzzer {

    private static final int[] TYPES = { AttributeDefinition.STRING, AttributeDefinition.LONG,
        AttributeDefinition.INTEGER, AttributeDefinition.SHORT, AttributeDefinition.CHARACTER, AttributeDefinition.BYTE,
        AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT, AttributeDefinition.BOOLEAN,
        AttributeDefinition.PASSWORD };

    @FuzzTest
    void checksAnyValue(FuzzedDataProvider in) {
        int type = in.pickValue(TYPES);
        Object value = switch (in.consumeInt(0, 6)) {
        case 0 -> in.consumeLong();
        case 1 -> in.consumeInt();
        case 2 -> in.consumeDouble();
        case 3 -> new String[] { in.consumeString(40), in.consumeString(40) };
        case 4 -> new long[] { in.consumeLong() };
        case 5 -> {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("felix.fileinstall.filename", in.consumeString(200));
            assertThat(ConfigurationGuard.source(p)).startsWith("file ");
            yield in.consumeRemainingAsString();
        }
        default -> in.consumeRemainingAsString();
        };

        ValueCheck.Result r = ValueCheck.check(type, value);

        if (!r.usable()) {
            assertThat(r.problem()).isNotBlank().hasSizeLessThan(200);
            return;
        }
        if (value instanceof String[] texts) {
            assertThat(r.value()).isInstanceOf(String[].class);
            String[] checked = (String[]) r.value();
            assertThat(checked).hasSameSizeAs(texts);
            for (String s : checked) {
                convertsAsScr(type, s);
            }
        } else if (value instanceof String) {
            convertsAsScr(type, (String) r.value());
        }
    }

    /** What Felix SCR does with a String for a field of this type; a usable value must not fail or overflow. */
    private static void convertsAsScr(int type, String s) {
        switch (type) {
        case AttributeDefinition.LONG -> Long.parseLong(s);
        case AttributeDefinition.INTEGER -> Integer.parseInt(s);
        case AttributeDefinition.SHORT -> Short.parseShort(s);
        case AttributeDefinition.BYTE -> Byte.parseByte(s);
        case AttributeDefinition.DOUBLE -> assertThat(Double.isFinite(Double.parseDouble(s))).isTrue();
        case AttributeDefinition.FLOAT -> assertThat(Float.isFinite(Float.parseFloat(s))).as("float %s", s).isTrue();
        case AttributeDefinition.BOOLEAN -> assertThat(s).isIn("true", "false");
        case AttributeDefinition.CHARACTER -> assertThat(s).hasSize(1);
        default -> assertThat(s).isNotNull();
        }
    }
}
