package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.PemStyle;
import io.uplink.credentials.store.BcCredentialStore;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningReport;

/**
 * {@code uplink creds provision}: stores CA certificates, a client certificate and its key in a modem, in the modem's
 * own form, compared first (identical content is not sent again) and read back before success is reported.
 */
final class CredsProvision {

    static final String USAGE = String.join("\n",
            "Usage: uplink creds provision --modem PORT (--alias A | --trust-alias A | --cafile F [--cert F --key F])",
            "                              [--name N] [--baud N] [--apn NAME] [--json]",
            "",
            "Store credentials in the modem's own TLS stack (for endpoints with tls.mode=modem): from the credential",
            "store (--alias: what the alias holds, CA certificates and/or a client certificate with its key;",
            "--trust-alias: its CA certificates) or from files. Content already in the modem, identical, is not sent",
            "again; what is sent is read back and compared before it counts as stored.",
            "",
            "Options:",
            "  --name N       Name of the set in the modem (default: the alias, or 'uplink' for files)",
            "  --modem PORT, --baud N, --apn NAME, --json   as for 'uplink modem info'",
            "",
            "Exit codes: 0 provisioned or unchanged, 1 refused or verification failed, 2 bad arguments or files.");

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    CredsProvision(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int execute(List<String> args) {
        String[] name = { "" };
        ClientOptions o;
        try {
            o = ClientOptions.parse(args, (opt, list, i) -> {
                if (opt.equals("--name")) {
                    name[0] = ClientOptions.value(list, i + 1, opt);
                    return 2;
                }
                return 0;
            });
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (o.help) {
            out.println(USAGE);
            return Main.EXIT_OK;
        }
        if (o.modem.isEmpty()) {
            return usage("give the modem's port with --modem (/dev/ttyUSB2, or emulator:bg95, emulator:nrf9160, ...)");
        }
        int sources = (o.alias.isEmpty() ? 0 : 1) + (o.trustAlias.isEmpty() ? 0 : 1)
                + (o.caFile == null && o.certFile == null ? 0 : 1);
        if (sources != 1) {
            return usage("give one source: --alias A, --trust-alias A, or files (--cafile F, --cert F --key F)");
        }
        String set = !name[0].isEmpty() ? name[0] : !o.alias.isEmpty() ? o.alias : !o.trustAlias.isEmpty()
                ? o.trustAlias : "uplink";
        try (ClientPath path = new ClientPath()) {
            path.openTransport(o);
            Modem m = path.modem();
            ModemTls tls = m.tls().orElse(null);
            if (tls == null) {
                err.println("uplink creds provision: the " + m.identity() + " (dialect " + m.dialectFamily()
                        + ") has no TLS of its own that Uplink can provision; use host TLS.");
                return Main.EXIT_FAILURE;
            }
            ModemCredentials credentials = content(o, set, tls.pemStyle());
            ProvisioningReport r = tls.provision(credentials, (kind, done, total, what) -> {
                if (!o.json) {
                    err.println("  " + words(kind) + ": " + what + " (" + done + "/" + total + " bytes)");
                }
            });
            report(m, r, o.json);
            return Main.EXIT_OK;
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (CredentialException e) {
            err.println("uplink creds provision: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (ModemException e) {
            err.println("uplink creds provision: " + e.getMessage() + (e.fix().isEmpty() ? "" : " Fix: " + e.fix()));
            return Main.EXIT_FAILURE;
        } catch (ClientPath.PathException e) {
            err.println("uplink creds provision: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("uplink creds provision: no such file: " + e.getFile());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            err.println("uplink creds provision: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    /** The set's parts in the modem's PEM style, from the store or from files read like 'creds check' reads them. */
    private ModemCredentials content(ClientOptions o, String set, PemStyle style)
            throws IOException, CredentialException {
        byte[] ca;
        byte[] cert;
        byte[] key;
        if (!o.alias.isEmpty() || !o.trustAlias.isEmpty()) {
            String alias = o.alias.isEmpty() ? o.trustAlias : o.alias;
            BcCredentialStore store = new CredsCommand(home, out, err).store();
            ca = store.exportPem(alias, CredentialPart.TRUST_ANCHORS, style);
            boolean identity = !o.alias.isEmpty() && store.clientIdentity(alias).isPresent();
            cert = identity ? store.exportPem(alias, CredentialPart.CLIENT_CERTIFICATE, style) : null;
            key = identity ? store.exportPem(alias, CredentialPart.PRIVATE_KEY, style) : null;
        } else {
            List<Path> files = new ArrayList<>();
            List<String> roles = new ArrayList<>();
            if (o.caFile != null) {
                files.add(o.caFile);
                roles.add("cafile");
            }
            if (o.certFile != null) {
                files.add(o.certFile);
                files.add(o.keyFile);
                roles.add("cert");
                roles.add("key");
            }
            BcCredentialStore.Loaded loaded = CredentialFiles.load(set, files, roles);
            ca = loaded.exportPem(CredentialPart.TRUST_ANCHORS, style);
            cert = loaded.identity() == null ? null : loaded.exportPem(CredentialPart.CLIENT_CERTIFICATE, style);
            key = loaded.identity() == null ? null : loaded.exportPem(CredentialPart.PRIVATE_KEY, style);
        }
        ca = ca.length == 0 ? null : ca;
        if (cert != null) {
            return ModemCredentials.identity(ModemCredentials.nameFor(set), ca, cert, key);
        }
        if (ca == null) {
            throw new IllegalArgumentException("'" + set + "' holds neither CA certificates nor a client certificate "
                    + "with its key");
        }
        return ModemCredentials.trust(ModemCredentials.nameFor(set), ca);
    }

    private void report(Modem m, ProvisioningReport r, boolean json) {
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("modem", m.identity().toString());
            j.put("set", r.name());
            j.put("unchanged", r.unchanged());
            j.put("bytes_sent", r.bytesSent());
            List<Object> items = new ArrayList<>();
            for (ProvisioningReport.Item i : r.items()) {
                Map<String, Object> it = new LinkedHashMap<>();
                it.put("part", i.kind().name().toLowerCase());
                it.put("location", i.location());
                it.put("bytes", i.bytes());
                it.put("outcome", i.outcome().name().toLowerCase());
                it.put("verification", i.verification());
                items.add(it);
            }
            j.put("items", items);
            out.println(Json.write(j));
            return;
        }
        out.println("Modem " + m.identity() + ", set '" + r.name() + "':");
        for (ProvisioningReport.Item i : r.items()) {
            out.println("  " + words(i.kind()) + " -> " + i.location() + " (" + i.bytes() + " bytes): "
                    + i.outcome().name().toLowerCase() + "; " + i.verification());
        }
        out.println(r.unchanged() ? "Unchanged: everything was in the modem already; nothing was sent."
                : "Provisioned: " + r.bytesSent() + " bytes sent and verified.");
    }

    private static String words(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> "CA certificates";
        case CLIENT_CERTIFICATE -> "client certificate";
        case PRIVATE_KEY -> "private key";
        };
    }

    private int usage(String why) {
        err.println("uplink creds provision: " + why + ". Run 'uplink creds provision --help'.");
        return Main.EXIT_USAGE;
    }
}
