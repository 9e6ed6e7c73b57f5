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

/**
 * {@code uplink ota}: sign deployment packages and check them the way the gateway will before installing; install,
 * list and roll back packages on the running gateway ({@link OtaRemote}).
 */
final class OtaCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink ota <sign|verify|install|list|rollback> [options]",
            "",
            "  sign    --key KEY.pem --cert CERT.pem IN.dp OUT.dp",
            "          Sign a deployment package (JAR signing, SHA-256, as OSGi Deployment Admin expects). CERT.pem",
            "          holds the signer certificate, then any intermediates; KEY.pem its unencrypted EC or RSA key.",
            "          Existing signatures are replaced.",
            "  verify  --trust CA.pem PKG.dp [--json]",
            "          Check a package as the gateway does before installing: signed, nothing changed, added or",
            "          removed, signer valid now and issued by a CA in CA.pem.",
            OtaRemote.USAGE,
            "",
            "On the gateway the trust anchors come from the credential store (alias in the io.uplink.ota",
            "configuration, default ota-trust): 'uplink creds import --alias ota-trust --ca CA.pem'.",
            "Exit codes: 0 signed / valid / installed / rolled back on request, 1 refused or failed (the reason code",
            "and the fix are printed), 2 bad arguments or unreadable files, 3 the gateway is not reachable, refused",
            "the login or runs no OTA service, 4 installed but failed its health check: the previous version runs",
            "again.");

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    OtaCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int execute(List<String> args) {
        if (args.isEmpty()) {
            return usage("say what to do: sign, verify, install, list or rollback");
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
        List<String> words = new ArrayList<>();
        String gateway = null;
        String fingerprint = null;
        Path passwordFile = null;
        String sha256 = "";
        long size = -1;
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
            case "--gateway", "--fingerprint", "--password-file", "--sha256", "--size" -> {
                if (i + 1 >= args.size()) {
                    return usage(a + " needs a value");
                }
                String v = args.get(++i);
                switch (a) {
                case "--gateway" -> gateway = v;
                case "--fingerprint" -> fingerprint = v;
                case "--password-file" -> passwordFile = Path.of(v);
                case "--sha256" -> sha256 = v.trim();
                default -> {
                    try {
                        size = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        return usage("--size needs a number of bytes, not '" + v + "'");
                    }
                    if (size < 0) {
                        return usage("--size cannot be negative");
                    }
                }
                }
            }
            default -> {
                if (a.startsWith("-")) {
                    return usage("unknown option " + a);
                }
                words.add(a);
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
        case "install":
        case "list":
        case "rollback":
            return new OtaRemote(home, out, err, System::nanoTime).execute(sub, new OtaRemote.Options(words, gateway,
                    fingerprint, passwordFile, sha256, size, json));
        default:
            return usage("unknown subcommand '" + sub + "' (sign, verify, install, list or rollback)");
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
