package io.uplink.modem.sierra;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.ModemException;

/**
 * The HL78xx's certificate and key slots: {@code AT+KCERTSTORE=<0 root|1 local>,<bytes>} and
 * {@code AT+KPRIVKSTORE=0,<bytes>} ({@code CONNECT}, exactly that many bytes, the EOF pattern, {@code OK}), the
 * listings {@code AT+KCERTSTORE?} / {@code AT+KPRIVKSTORE?} ({@code CONNECT}, then lines such as
 * {@code root_cert,0,1234}, then {@code OK}: byte counts, in Sierra's own test scripts; some firmware prints the PEM
 * after an entry), and {@code AT+KCERTDELETE} / {@code AT+KPRIVKDELETE}. Uplink uses index 0 of each (the index the
 * module's TLS uses when none is named).
 */
final class SierraCredentialStore {

    /** What a listing said: byte counts per part, and the content where the firmware shows it. */
    record Listing(boolean available, String evidence, Map<CredentialKind, Integer> bytes,
            Map<CredentialKind, String> content) {

        Optional<Integer> bytes(CredentialKind kind) {
            return Optional.ofNullable(bytes.get(kind));
        }

        Optional<String> content(CredentialKind kind) {
            return Optional.ofNullable(content.get(kind));
        }
    }

    private final AtChannel at;

    SierraCredentialStore(AtChannel at) {
        this.at = at;
    }

    /** The slot a part goes to, in the listing's words. */
    static String slot(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> "root_cert,0";
        case CLIENT_CERTIFICATE -> "local_cert,0";
        case PRIVATE_KEY -> "private_key,0";
        };
    }

    static String storeLine(CredentialKind kind, int bytes) {
        return switch (kind) {
        case CA_CERTIFICATES -> "AT+KCERTSTORE=0," + bytes;
        case CLIENT_CERTIFICATE -> "AT+KCERTSTORE=1," + bytes;
        case PRIVATE_KEY -> "AT+KPRIVKSTORE=0," + bytes;
        };
    }

    static String deleteLine(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> "AT+KCERTDELETE=0";
        case CLIENT_CERTIFICATE -> "AT+KCERTDELETE=1";
        case PRIVATE_KEY -> "AT+KPRIVKDELETE=0";
        };
    }

    /**
     * Stores laid-out PEM in a part's slot.
     *
     * @throws ModemException naming the module's code (930 fewer bytes than announced, 931 unusable content, ...)
     */
    void store(CredentialKind kind, byte[] pem) throws ModemException {
        byte[] payload = new byte[pem.length + SierraCommands.EOF_BYTES.length];
        System.arraycopy(pem, 0, payload, 0, pem.length);
        System.arraycopy(SierraCommands.EOF_BYTES, 0, payload, pem.length, SierraCommands.EOF_BYTES.length);
        AtCommand c = AtCommand.of(storeLine(kind, pem.length)).withPayload("CONNECT", payload)
                .withTimeout(Duration.ofSeconds(30 + pem.length / 1000));
        AtResponse r = at.execute(kind == CredentialKind.PRIVATE_KEY ? c.sensitive() : c);
        if (!r.isOk()) {
            SierraErrors.Entry e = SierraErrors.cme(r.result().code());
            throw new ModemException("The module refused the " + what(kind) + " (" + pem.length + " bytes to "
                    + slot(kind) + "): " + r.result().text() + " = " + e.meaning() + ".", r.result().text(),
                    String.valueOf(r.result().code()), e.fix());
        }
    }

    /** Lists both kinds of slot; {@link Listing#available()} is false where the firmware lists nothing. */
    Listing list() throws ModemException {
        Map<CredentialKind, Integer> bytes = new HashMap<>();
        Map<CredentialKind, String> content = new HashMap<>();
        String certs = listInto("AT+KCERTSTORE?", bytes, content);
        String keys = listInto("AT+KPRIVKSTORE?", bytes, content);
        boolean available = certs == null && keys == null;
        String evidence = available ? "" : certs != null ? certs : keys;
        return new Listing(available, evidence, bytes, content);
    }

    /** Fills what one listing says; returns null when it listed, else why not (the module's answer). */
    private String listInto(String cmd, Map<CredentialKind, Integer> bytes, Map<CredentialKind, String> content)
            throws ModemException {
        AtResponse r = at.execute(AtCommand.of(cmd).withRawData("CONNECT", 0));
        if (!r.isOk()) {
            return cmd + " answered " + r.result().text();
        }
        List<SierraUrcs.StoredEntry> entries = SierraUrcs.storedEntries(r.lines());
        if (entries.isEmpty()) {
            return cmd + " listed no slots";
        }
        for (SierraUrcs.StoredEntry e : entries) {
            CredentialKind kind = kindOf(e);
            if (kind != null) {
                bytes.put(kind, e.bytes());
            }
        }
        collectContent(r.lines(), content);
        return null;
    }

    private static CredentialKind kindOf(SierraUrcs.StoredEntry e) {
        if (e.index() != 0) {
            return null;
        }
        return switch (e.kind()) {
        case "root_cert" -> CredentialKind.CA_CERTIFICATES;
        case "local_cert" -> CredentialKind.CLIENT_CERTIFICATE;
        case "private_key" -> CredentialKind.PRIVATE_KEY;
        default -> null;
        };
    }

    /** PEM lines printed after an entry line belong to that entry. */
    private static void collectContent(List<String> lines, Map<CredentialKind, String> content) {
        CredentialKind current = null;
        StringBuilder pem = null;
        for (String l : lines) {
            List<SierraUrcs.StoredEntry> entry = SierraUrcs.storedEntries(List.of(l));
            if (!entry.isEmpty()) {
                if (current != null && pem != null && pem.length() > 0) {
                    content.put(current, pem.toString());
                }
                current = kindOf(entry.get(0));
                pem = new StringBuilder();
            } else if (pem != null && !l.equals(SierraCommands.EOF_PATTERN)) {
                pem.append(l).append('\n');
            }
        }
        if (current != null && pem != null && pem.length() > 0) {
            content.put(current, pem.toString());
        }
    }

    /** Deletes a part's slot; true when the module said OK. */
    boolean delete(CredentialKind kind) throws ModemException {
        return at.execute(AtCommand.of(deleteLine(kind))).isOk();
    }

    static String what(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> "CA certificate";
        case CLIENT_CERTIFICATE -> "client certificate";
        case PRIVATE_KEY -> "private key";
        };
    }
}
