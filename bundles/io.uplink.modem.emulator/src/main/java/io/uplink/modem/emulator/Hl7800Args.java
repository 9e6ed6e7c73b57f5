package io.uplink.modem.emulator;

import java.util.List;

/** Reading the HL7800's numeric arguments: a missing, empty or non-decimal argument is -1, which no range accepts. */
final class Hl7800Args {

    private Hl7800Args() {
    }

    static int number(List<String> a, int i) {
        if (i >= a.size()) {
            return -1;
        }
        try {
            return Integer.parseInt(a.get(i).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An argument that may be left empty ({@code 1,,3}): the default then. */
    static int number(List<String> a, int i, int absent) {
        return i >= a.size() || a.get(i).trim().isEmpty() ? absent : number(a, i);
    }
}
