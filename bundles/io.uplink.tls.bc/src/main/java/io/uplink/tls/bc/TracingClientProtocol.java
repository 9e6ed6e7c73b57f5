package io.uplink.tls.bc;

import java.io.IOException;
import java.io.OutputStream;

import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DigitallySigned;
import org.bouncycastle.tls.HandshakeMessageInput;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;

/**
 * Bouncy Castle's client protocol in non-blocking mode, with every handshake message recorded as it is received
 * (TLS 1.3 messages after decryption) or queued for sending (with the record bytes it produced).
 */
final class TracingClientProtocol extends TlsClientProtocol {

    private final HandshakeRecorder recorder;

    TracingClientProtocol(HandshakeRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    protected void handleHandshakeMessage(short type, HandshakeMessageInput buf) throws IOException {
        // Once TLS 1.3 is agreed, the superclass hands every message to handle13HandshakeMessage, which records it.
        if (!tls13Agreed()) {
            recorder.received(name(type), (buf.available() + 4) + "-byte message");
            if (type == HandshakeType.certificate) {
                checkLimits(buf, false);
            }
        }
        super.handleHandshakeMessage(type, buf);
    }

    @Override
    protected void handle13HandshakeMessage(short type, HandshakeMessageInput buf) throws IOException {
        recorder.received(name(type), (buf.available() + 4) + "-byte message");
        if (type == HandshakeType.encrypted_extensions && tlsClient instanceof UplinkTlsClient client) {
            client.handshakeKeysReady(); // the first message under the handshake traffic keys
        }
        if (type == HandshakeType.certificate) {
            checkLimits(buf, true);
        }
        super.handle13HandshakeMessage(type, buf);
    }

    private boolean tls13Agreed() {
        org.bouncycastle.tls.ProtocolVersion v = getContext().getServerVersion();
        return connection_state > CS_CLIENT_HELLO && v != null && TlsUtils.isTLSv13(v);
    }

    /**
     * Refuses a server Certificate message over {@link CertificateLimits} before it is parsed. The body is read and
     * the stream put back where it was: its mark is the start of the message (the transcript hash covers the header
     * too), so reset() goes there and the difference is skipped again.
     */
    private void checkLimits(HandshakeMessageInput buf, boolean tls13) throws IOException {
        int remaining = buf.available();
        byte[] body = buf.readNBytes(remaining);
        buf.reset();
        long skip = buf.available() - (long) remaining;
        if (skip < 0 || buf.skip(skip) != skip) {
            throw new IllegalStateException("the handshake message could not be re-read");
        }
        ServerCertificateCheck.Verdict v = CertificateLimits.check(body, tls13);
        if (v != null && tlsClient instanceof UplinkTlsClient client) {
            client.refuse(v);
            throw new TlsFatalAlert(AlertDescription.bad_certificate, v.message());
        }
    }

    private interface Send {
        void run() throws IOException;
    }

    private void traced(String type, Send send) throws IOException {
        int before = getAvailableOutputBytes();
        send.run();
        recorder.sent(type, Math.max(0, getAvailableOutputBytes() - before), "");
    }

    @Override
    protected void sendClientHelloMessage() throws IOException {
        traced("ClientHello", super::sendClientHelloMessage);
    }

    @Override
    protected void sendClientKeyExchange() throws IOException {
        traced("ClientKeyExchange", super::sendClientKeyExchange);
    }

    @Override
    protected void sendCertificateMessage(Certificate certificate, OutputStream os) throws IOException {
        traced("Certificate", () -> super.sendCertificateMessage(certificate, os));
    }

    @Override
    protected void send13CertificateMessage(Certificate certificate) throws IOException {
        traced("Certificate", () -> super.send13CertificateMessage(certificate));
    }

    @Override
    protected void sendCertificateVerifyMessage(DigitallySigned signed) throws IOException {
        traced("CertificateVerify", () -> super.sendCertificateVerifyMessage(signed));
    }

    @Override
    protected void send13CertificateVerifyMessage(DigitallySigned signed) throws IOException {
        traced("CertificateVerify", () -> super.send13CertificateVerifyMessage(signed));
    }

    @Override
    protected void sendChangeCipherSpecMessage() throws IOException {
        traced("ChangeCipherSpec", super::sendChangeCipherSpecMessage);
    }

    @Override
    protected void sendFinishedMessage() throws IOException {
        traced("Finished", super::sendFinishedMessage);
    }

    static String name(short type) {
        switch (type) {
        case HandshakeType.client_hello:
            return "ClientHello";
        case HandshakeType.server_hello:
            return "ServerHello";
        case HandshakeType.new_session_ticket:
            return "NewSessionTicket";
        case HandshakeType.encrypted_extensions:
            return "EncryptedExtensions";
        case HandshakeType.certificate:
            return "Certificate";
        case HandshakeType.server_key_exchange:
            return "ServerKeyExchange";
        case HandshakeType.certificate_request:
            return "CertificateRequest";
        case HandshakeType.server_hello_done:
            return "ServerHelloDone";
        case HandshakeType.certificate_verify:
            return "CertificateVerify";
        case HandshakeType.finished:
            return "Finished";
        case HandshakeType.certificate_status:
            return "CertificateStatus";
        case HandshakeType.key_update:
            return "KeyUpdate";
        case HandshakeType.hello_request:
            return "HelloRequest";
        default:
            return HandshakeType.getName(type);
        }
    }
}
