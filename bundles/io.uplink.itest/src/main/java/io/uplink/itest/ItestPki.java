package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test PKI made with openssl in a temporary folder: {@code ca.pem}/{@code ca.key} (EC P-256 or RSA 2048),
 * {@code server.pem}/{@code server.key} for localhost and 127.0.0.1, {@code device.pem}/{@code device.key} for client
 * authentication. Files are world-readable: mosquitto started as root drops to its own user and must read them.
 */
final class ItestPki {

    private final Path dir;

    private ItestPki(Path dir) {
        this.dir = dir;
    }

    /** @param rsa RSA 2048 keys instead of EC P-256 */
    static ItestPki create(String prefix, String deviceName, boolean rsa) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ItestPki pki = new ItestPki(dir);
        List<String> key = rsa ? List.of("-newkey", "rsa:2048") : List.of("-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256");
        List<String> ca = new ArrayList<>(List.of("req", "-x509"));
        ca.addAll(key);
        ca.addAll(List.of("-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj",
                "/CN=Uplink itest CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign"));
        pki.openssl(ca);
        pki.leaf(key, "server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        pki.leaf(key, "device", deviceName, "extendedKeyUsage=clientAuth\n");
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        return pki;
    }

    Path dir() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** The device certificate followed by its key, as the credential store imports an identity. */
    byte[] deviceIdentity() throws Exception {
        return (Files.readString(file("device.pem")) + Files.readString(file("device.key")))
                .getBytes(StandardCharsets.US_ASCII);
    }

    private void leaf(List<String> key, String name, String cn, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions);
        List<String> req = new ArrayList<>(List.of("req"));
        req.addAll(key);
        req.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn));
        openssl(req);
        openssl(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "30", "-extfile", name + ".ext"));
    }

    private void openssl(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }
}
