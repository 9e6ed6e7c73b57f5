package io.uplink.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.uplink.doctor.Explanations;
import io.uplink.doctor.Explanations.Explanation;

/** {@code uplink explain}: raw modem and library codes in plain words. */
final class ExplainCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink explain 'LINE' ['LINE'...] [--json]",
            "",
            "Explain raw codes as a modem or library printed them, e.g.",
            "  uplink explain '+QSSLOPEN: 1,5,-9' '+CME ERROR: 918' 'err:-0x7280' 32202",
            "Known: " + String.join(", ", Explanations.sources()) + ".",
            "Each answer says where its meaning comes from: the manual, the field, or nowhere (undocumented).",
            "",
            "Exit codes: 0 every line recognised, 1 a line was not recognised, 2 no line given.");

    private final PrintStream out;
    private final PrintStream err;

    ExplainCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int execute(List<String> args) {
        boolean json = false;
        List<String> lines = new ArrayList<>();
        for (String a : args) {
            switch (a) {
            case "-h", "--help" -> {
                out.println(USAGE);
                return Main.EXIT_OK;
            }
            case "--json" -> json = true;
            default -> lines.add(a);
            }
        }
        if (lines.isEmpty()) {
            err.println("uplink explain: give the line to explain, e.g. uplink explain '+QSSLOPEN: 1,5,-9'");
            return Main.EXIT_USAGE;
        }
        boolean all = true;
        List<Object> results = new ArrayList<>();
        for (String line : lines) {
            Optional<Explanation> e = Explanations.explain(line);
            all &= e.isPresent();
            if (json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("raw", line);
                j.put("recognised", e.isPresent());
                e.ifPresent(x -> {
                    j.put("source", x.source());
                    j.put("meaning", x.meaning());
                    j.put("fix", x.fix());
                    j.put("confidence", x.confidence().name().toLowerCase(Locale.ROOT));
                });
                results.add(j);
            } else if (e.isEmpty()) {
                out.println(line + "\n  not recognised. Known: " + String.join(", ", Explanations.sources()) + ".");
            } else {
                Explanation x = e.get();
                out.println(line);
                out.println("  From:    " + x.source() + " (" + switch (x.confidence()) {
                case MANUAL -> "as documented";
                case FIELD -> "not documented; as seen in the field";
                case UNDOCUMENTED -> "not documented";
                } + ")");
                out.println("  Means:   " + x.meaning());
                if (!x.fix().isEmpty()) {
                    out.println("  Do:      " + x.fix());
                }
            }
        }
        if (json) {
            out.println(Json.write(results));
        }
        return all ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }
}
