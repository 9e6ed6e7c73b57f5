package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.uplink.ota.OtaException;
import io.uplink.ota.sign.PackageSigner;
import io.uplink.ota.sign.SignerKeys;
import io.uplink.ota.verify.PackageVerifier;
import io.uplink.ota.verify.VerifiedPackage;

/** {@code uplink ota}: sign deployment packages and check them the way the gateway will before installing. */
final class OtaCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink ota <sign|verify> [options]",
            "",
            "  sign    --key KEY.pem --cert CERT.pem IN.dp OUT.dp",
            "          Sign a deployment package (JAR signing, SHA-256, as OSGi Deployment Admin expects). CERT.pem",
            "          holds the signer certificate, then any intermediates; KEY.pem its unencrypted EC or RSA key.",
            "          Existing signatures are replaced.",
            "  verify  --trust CA.pem PKG.dp [--json]",
            "          Check a package as the gateway does before installing: signed, nothing changed, added or",
            "          removed, signer valid now and issued by a CA in CA.pem.",
            "",
            "On the gateway the trust anchors come from the credential store (alias in the io.uplink.ota",
            "configuration, default ota-trust): 'uplink creds import --alias ota-trust --ca CA.pem'.",
            "Exit codes: 0 signed / valid, 1 refused (the reason code and the fix are printed), 2 bad arguments or",
            "unreadable files.");

    private final PrintStream out;
    private final PrintStream err;

    OtaCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int execute(List<String> args) {
        if (args.isEmpty()) {
            return usage("say what to do: sign or verify");
        }
        String sub = args.get(0);
        if (sub.equals("-h") || sub.equals("--help")) {
            out.println(USAGE);
            return Main.EXIT_OK;
        }
        Path key = null;
        Path cert = null;
        Path trust = null;
        boolean json = false;
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
            case "-h", "--help" -> {
                out.println(USAGE);
                return Main.EXIT_OK;
            }
            case "--key", "--cert", "--trust" -> {
                if (i + 1 >= args.size()) {
                    return usage(a + " needs a file");
                }
                Path p = Path.of(args.get(++i));
                if (a.equals("--key")) {
                    key = p;
                } else if (a.equals("--cert")) {
                    cert = p;
                } else {
                    trust = p;
                }
            }
            case "--json" -> json = true;
            default -> {
                if (a.startsWith("-")) {
                    return usage("unknown option " + a);
                }
                files.add(Path.of(a));
            }
            }
        }
        switch (sub) {
        case "sign":
            if (key == null || cert == null || files.size() != 2) {
                return usage("sign needs --key KEY.pem --cert CERT.pem IN.dp OUT.dp");
            }
            return sign(key, cert, files.get(0), files.get(1));
        case "verify":
            if (trust == null || files.size() != 1) {
                return usage("verify needs --trust CA.pem PKG.dp");
            }
            return verify(trust, files.get(0), json);
        default:
            return usage("unknown subcommand '" + sub + "' (sign or verify)");
        }
    }

    private int sign(Path key, Path cert, Path in, Path outFile) {
        try {
            for (Path p : List.of(key, cert, in)) {
                if (!Files.isRegularFile(p)) {
                    err.println("uplink ota sign: no such file: " + p);
                    return Main.EXIT_USAGE;
                }
            }
            List<X509Certificate> chain = SignerKeys.readChain(cert);
            new PackageSigner(SignerKeys.readKey(key), chain).sign(in, outFile.toAbsolutePath());
            out.println("Signed " + outFile + " as " + chain.get(0).getSubjectX500Principal().getName()
                    + " (certificate valid until " + chain.get(0).getNotAfter().toInstant() + ").");
            return Main.EXIT_OK;
        } catch (IOException | IllegalArgumentException e) {
            err.println("uplink ota sign: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    private int verify(Path trust, Path pkg, boolean json) {
        List<X509Certificate> anchors;
        try {
            if (!Files.isRegularFile(trust)) {
                err.println("uplink ota verify: no such file: " + trust);
                return Main.EXIT_USAGE;
            }
            anchors = SignerKeys.readChain(trust);
        } catch (IOException e) {
            err.println("uplink ota verify: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("file", pkg.toString());
        try {
            VerifiedPackage v = new PackageVerifier(anchors).verify(pkg, Instant.now());
            j.put("valid", true);
            j.put("name", v.name());
            j.put("version", v.version());
            j.put("signer", v.signer());
            j.put("signer_not_after", v.signerChain().get(0).getNotAfter().toInstant().toString());
            j.put("bundles", v.bundles());
            if (json) {
                out.println(Json.write(j));
            } else {
                out.println(pkg + ": valid. " + v.name() + " " + v.version() + ", signed by " + v.signer() + ", "
                        + v.bundles().size() + " bundle(s): " + String.join(", ", v.bundles()));
            }
            return Main.EXIT_OK;
        } catch (OtaException e) {
            j.put("valid", false);
            j.put("reason", e.reason().code());
            j.put("message", e.getMessage());
            j.put("fix", e.reason().fix());
            if (json) {
                out.println(Json.write(j));
            } else {
                out.println(pkg + ": REFUSED (" + e.reason().code() + "). " + e.getMessage());
                out.println("Fix: " + e.reason().fix());
            }
            return Main.EXIT_FAILURE;
        }
    }

    private int usage(String problem) {
        err.println("uplink ota: " + problem + ".");
        err.println("Run 'uplink ota --help' for the options.");
        return Main.EXIT_USAGE;
    }
}
