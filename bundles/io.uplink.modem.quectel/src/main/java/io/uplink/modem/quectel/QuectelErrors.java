package io.uplink.modem.quectel;

import java.util.Map;

import io.uplink.transport.TransportException.Reason;

/** The TCP/IP error codes of Quectel's application notes (QIOPEN, QIGETERROR), each with meaning and fix. */
final class QuectelErrors {

    /** One code: what it means, how to fix it, and how a transport classifies it. */
    record Entry(String meaning, String fix, Reason reason) {
    }

    private static final Map<Integer, Entry> CODES = Map.ofEntries(
            Map.entry(550, new Entry("unknown error", "Retry; if it persists, read AT+QIGETERROR and power-cycle "
                    + "the module.", Reason.OTHER)),
            Map.entry(551, new Entry("operation blocked", "Another command is running; retry after it ends.",
                    Reason.NO_RESOURCES)),
            Map.entry(552, new Entry("invalid parameters", "A parameter is out of range. Seen on sibling modules "
                    + "after ~20 TLS open/close cycles until power-cycled: if it persists, restart the module.",
                    Reason.INVALID_REQUEST)),
            Map.entry(553, new Entry("not enough memory", "Close unused sockets; restart the module if it persists.",
                    Reason.NO_RESOURCES)),
            Map.entry(554, new Entry("creating the socket failed", "Close unused sockets (AT+QICLOSE).",
                    Reason.NO_RESOURCES)),
            Map.entry(555, new Entry("operation not supported", "Use buffer access mode and TCP.",
                    Reason.INVALID_REQUEST)),
            Map.entry(556, new Entry("socket bind failed", "Use another local port or let the module choose.",
                    Reason.OTHER)),
            Map.entry(557, new Entry("socket listen failed", "Use another port.", Reason.OTHER)),
            Map.entry(558, new Entry("socket write failed", "The connection is broken; reopen it.", Reason.CLOSED)),
            Map.entry(559, new Entry("socket read failed", "The connection is broken; reopen it.", Reason.CLOSED)),
            Map.entry(560, new Entry("socket accept failed", "Retry.", Reason.OTHER)),
            Map.entry(561, new Entry("opening the PDP context failed", "Check the APN, its user and password, and "
                    + "the SIM's data plan; the transport re-activates the context before the next connection.",
                    Reason.UNREACHABLE)),
            Map.entry(562, new Entry("closing the PDP context failed", "Restart the module.", Reason.OTHER)),
            Map.entry(563, new Entry("the socket ID is in use", "Close it first (AT+QICLOSE); the transport picks "
                    + "free IDs, so another program may be using the module.", Reason.NO_RESOURCES)),
            Map.entry(564, new Entry("DNS busy", "Retry in a moment.", Reason.DNS_FAILED)),
            Map.entry(565, new Entry("DNS parse failed: the network's DNS has no address for the host",
                    "Check the host name; check the APN gives working DNS (AT+QIDNSCFG).", Reason.DNS_FAILED)),
            Map.entry(566, new Entry("socket connect failed: nothing answered, or the peer refused. With TLS on the "
                    + "modem, certificate problems also give 566", "Check host, port and that the server is reachable "
                    + "from the cellular network (not only from your LAN).", Reason.REFUSED)),
            Map.entry(567, new Entry("the socket has been closed", "Reopen the connection.", Reason.CLOSED)),
            Map.entry(568, new Entry("operation busy", "Retry after the current operation.", Reason.NO_RESOURCES)),
            Map.entry(569, new Entry("operation timeout", "Check coverage (AT+CSQ) and the server; raise the connect "
                    + "timeout on slow links.", Reason.TIMEOUT)),
            Map.entry(570, new Entry("the PDP context is broken", "The network dropped the data session; the "
                    + "transport re-activates it before the next connection.", Reason.UNREACHABLE)),
            Map.entry(571, new Entry("sending was cancelled", "Retry the send.", Reason.OTHER)),
            Map.entry(572, new Entry("operation not allowed", "The socket is in the wrong state; reopen it.",
                    Reason.INVALID_REQUEST)),
            Map.entry(573, new Entry("the APN is not configured", "Set the APN in the modem configuration "
                    + "(AT+QICSGP).", Reason.UNREACHABLE)),
            Map.entry(574, new Entry("port busy", "Use another port.", Reason.NO_RESOURCES)));

    private QuectelErrors() {
    }

    /**
     * A {@code +QSSLOPEN} code. 566 there says only that the module's TLS handshake failed: an untrusted, expired or
     * wrongly named server certificate, a missing CA file, no TLS version or cipher suite in common, a server that
     * needs SNI, all give the same 566 [O]. The doctor repeats the handshake with host TLS to tell which.
     */
    static Entry ofTls(int code) {
        if (code == 566) {
            return new Entry("the module's TLS handshake (or its TCP connection) failed; the module does not say "
                    + "why: an untrusted, expired or wrongly named server certificate, a missing CA file, no TLS "
                    + "version or cipher suite in common and a server that needs SNI all answer 566",
                    "Run 'uplink doctor --tls modem' to find the cause (it repeats the handshake with the gateway's "
                    + "TLS over the same modem); or use host TLS (tls.mode=host), which says exactly what failed.",
                    Reason.REFUSED);
        }
        return of(code);
    }

    static Entry of(int code) {
        Entry e = CODES.get(code);
        return e != null ? e : new Entry("error " + code + " (not in Quectel's published table)",
                "Read AT+QIGETERROR; restart the module if it persists.", Reason.OTHER);
    }
}
