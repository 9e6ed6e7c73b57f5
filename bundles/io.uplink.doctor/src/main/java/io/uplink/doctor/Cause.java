package io.uplink.doctor;

import java.util.Arrays;
import java.util.Optional;

/**
 * The doctor's cause codes: a stable public vocabulary ({@code bin/uplink doctor}, its JSON, the web page and
 * {@link io.uplink.diagnostics.Finding#cause()}), each with what it means and the fix to give when the finding knows no
 * better one. README's cause table and the command line's help list the same codes; tests keep them in step.
 */
public enum Cause {

    OK("ok", "every step passed", ""),
    SERIAL_NO_RESPONSE("serial.no-response", "nothing answers AT on the port (wrong port, baud, port held by another "
            + "program, module off)", "Check the port, the baud rate and that no other program holds the port."),
    SERIAL_NOISE("serial.noise", "the port carries data but no AT answers: endless lines, binary or line-less bytes "
            + "(wrong baud rate, a module stuck in data mode, noise on the line)", ModemRungs.NOISE_FIX),
    MODEM_SIM("modem.sim", "no SIM, or it wants its PIN or PUK", "Insert the SIM, or set its PIN (.sim.pin)."),
    MODEM_NOT_REGISTERED("modem.not-registered", "not registered on a network (searching, denied, no coverage for "
            + "LTE-M/NB-IoT)", "Check the antenna, the coverage and that the SIM's plan allows LTE-M/NB-IoT."),
    MODEM_PDP("modem.pdp", "the data connection (PDP context) does not come up: APN, credentials, plan",
            "Check the APN and its user name and password."),
    MODEM_SOCKET_CLOSED("modem.socket-closed", "the modem path dropped the connection while the server is reachable "
            + "over another network", "Check the signal and the module's socket limits, or use host TLS."),
    MODEM_BUFFER_OVERRUN("modem.buffer-overrun", "the module ran out of socket or buffer resources",
            "Close unused sockets; power-cycle the module if it persists."),
    MODEM_NO_TLS("modem.no-tls", "the modem has no TLS of its own that Uplink can drive",
            "Use host TLS (tls.mode=host)."),
    NET_DNS("net.dns", "the host name does not resolve", "Check the host name and the gateway's DNS servers."),
    NET_TCP_REFUSED("net.tcp-refused", "nothing listens on that host and port", "Check the host and the port."),
    NET_TIMEOUT("net.timeout", "no answer in time (firewall, route, a server that accepts TCP and stays silent, a "
            + "port that does not speak MQTT)", "Check the host and port, the firewall and the route."),
    NET_CONNECTION_RESET("net.connection-reset", "the connection was reset (TCP RST) by the server or a firewall",
            "Check the port (a plain MQTT port resets a TLS ClientHello), then any firewall or proxy on the way."),
    TLS_NOT_TLS("tls.not-tls", "this port does not speak TLS (an HTTP server, a plain MQTT port, another protocol)",
            "Use the broker's TLS port (8883 for MQTT over TLS); for a plain MQTT port use mqtt:// (tls.mode=none), "
                    + "only on a network you trust."),
    TLS_VERSION_MISMATCH("tls.version-mismatch", "client and server share no TLS version (none was agreed)",
            "Allow the TLS version the broker needs (TLS 1.2 and 1.3 by default)."),
    TLS_CIPHER_MISMATCH("tls.cipher-mismatch", "no cipher suite in common (e.g. a server that wants suites the client "
            + "does not offer)", "Try cipher policy 'compatible', or list what the broker accepts with uplink probe."),
    TLS_PROTOCOL_ERROR("tls.protocol-error", "the server broke the TLS protocol (garbage after its hello, a choice "
            + "that was not offered, a malformed message)", "Check that this is the broker's TLS port and not a proxy "
            + "or another service; give the broker's operator the capture (--pcap)."),
    TLS_CHAIN_TOO_LONG("tls.chain-too-long", "the server sent more certificates than Uplink accepts in a chain (10)",
            "The server's certificate file holds more than its chain: its operator should serve only the server "
                    + "certificate and its intermediates."),
    TLS_CERTIFICATE_TOO_LARGE("tls.certificate-too-large", "the server sent a certificate larger than Uplink accepts "
            + "(16 KiB each)", "Check that this is the broker; its operator should issue an ordinary certificate."),
    TLS_SNI_MISSING("tls.sni-missing", "the server needs a server name (SNI) and none was sent (an IP address was "
            + "used)", "Connect by host name, or give the name with --sni."),
    TLS_SNI_WRONG("tls.sni-wrong", "the server hung up on the name sent (multi-tenant brokers do this for names they "
            + "do not serve), or a configured server name (sni, the modem's TLS host name) differs from the endpoint's "
            + "host", "Use the exact endpoint host name your cloud console shows; leave the sni setting empty."),
    TLS_UNKNOWN_CA("tls.unknown-ca", "the server's chain does not end at a trusted CA",
            "Import the CA that signed the broker's certificate as a trust anchor."),
    TLS_HOSTNAME_MISMATCH("tls.hostname-mismatch", "the server's certificate does not name the host",
            "Connect with the name the certificate is for."),
    TLS_SERVER_CERT_EXPIRED("tls.server-cert-expired", "the server's certificate has expired",
            "The broker's operator must renew its certificate."),
    TLS_CLOCK_WRONG("tls.clock-wrong", "the gateway's clock is off (a certificate \"not yet valid\")",
            "Set the gateway's clock (NTP, or the network time from the modem)."),
    TLS_CLIENT_CERT_REQUIRED("tls.client-cert-required", "the server requires a client certificate and none was "
            + "configured", "Configure the device certificate and key."),
    TLS_CLIENT_CERT_REJECTED("tls.client-cert-rejected", "the server refused the client certificate",
            "Check the certificate is registered, active and issued by a CA the broker trusts."),
    TLS_MODEM_HANDSHAKE("tls.modem-handshake", "the modem's own TLS failed where the protocol would not",
            "Use host TLS (tls.mode=host), or update the modem's firmware."),
    CREDENTIALS_KEY_MISMATCH("credentials.key-mismatch", "the private key does not belong to the certificate",
            "Use the key the certificate was issued for."),
    CREDENTIALS_MALFORMED("credentials.malformed", "a certificate or key cannot be read, or an alias is empty",
            "Check the files (uplink creds check)."),
    CREDENTIALS_MODEM_STORAGE("credentials.modem-storage", "the modem did not store or read back the certificates",
            "See the modem's answer in the evidence; free space or a different format may be needed."),
    MQTT_CONNACK_REFUSED("mqtt.connack-refused", "the broker answered CONNECT with a refusal (client id, credentials, "
            + "not authorized)", "Check the client id, the credentials and the broker's ACL."),
    MQTT_CLOSED_AFTER_CONNECT("mqtt.closed-after-connect", "the broker hung up after CONNECT or PUBLISH without "
            + "answering (AWS IoT: policy, certificate not ACTIVE, duplicate client id)",
            "Check the certificate's policy, its state and that no other device uses the client id."),
    MQTT_PROFILE_VIOLATION("mqtt.profile-violation", "the settings break the chosen cloud's rules (e.g. plain MQTT to "
            + "AWS IoT, ALPN missing on 443)", "Change the settings as the finding says.");

    private final String code;
    private final String meaning;
    private final String fix;

    Cause(String code, String meaning, String fix) {
        this.code = code;
        this.meaning = meaning;
        this.fix = fix;
    }

    /** The stable code, e.g. {@code tls.not-tls}. */
    public String code() {
        return code;
    }

    /** What the code means, in plain words. */
    public String meaning() {
        return meaning;
    }

    /** The fix to give when the finding knows no more specific one; empty for {@link #OK}. */
    public String fix() {
        return fix;
    }

    /** The cause with this code. */
    public static Optional<Cause> of(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
