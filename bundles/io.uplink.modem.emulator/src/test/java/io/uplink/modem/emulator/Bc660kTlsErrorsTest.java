package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertificateException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

/** How a failed handshake becomes the BC660K's {@code +QSSLOPEN} code (SSL application note, chapter 4). */
class Bc660kTlsErrorsTest {

    @Test
    void handshakeFailuresAreClassifiedByCause() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("no trust anchor"));
        assertThat(ModuleTlsConnection.classify(untrusted)).isEqualTo(ModuleTlsConnection.Failure.CERTIFICATE);
        assertThat(ModuleTlsConnection.classify(new SSLHandshakeException("Received fatal alert: handshake_failure")))
                .isEqualTo(ModuleTlsConnection.Failure.NEGOTIATION);
        assertThat(ModuleTlsConnection.classify(new SSLHandshakeException("Received fatal alert: protocol_version")))
                .isEqualTo(ModuleTlsConnection.Failure.NEGOTIATION);
        assertThat(ModuleTlsConnection.classify(new SSLHandshakeException("Received fatal alert: bad_certificate")))
                .isEqualTo(ModuleTlsConnection.Failure.CERTIFICATE_REFUSED);
        assertThat(ModuleTlsConnection.classify(new SSLHandshakeException("Remote host terminated the handshake: "
                + "connection closed"))).isEqualTo(ModuleTlsConnection.Failure.PEER_CLOSED);
        assertThat(ModuleTlsConnection.classify(new SSLHandshakeException("Received fatal alert: decode_error")))
                .isEqualTo(ModuleTlsConnection.Failure.HANDSHAKE);
    }

    @Test
    void everyFailureHasTheCodeTheNoteGivesIt() {
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.CONNECT)).isEqualTo(-2);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.DNS)).isEqualTo(-2);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.CERTIFICATE)).isEqualTo(-3);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.CERTIFICATE_REFUSED)).isEqualTo(-3);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.SETUP)).isEqualTo(-4);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.NEGOTIATION)).isEqualTo(-5);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.TIMEOUT)).isEqualTo(-7);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.PEER_CLOSED)).isEqualTo(-9);
        assertThat(Bc660kModuleTls.error(ModuleTlsConnection.Failure.HANDSHAKE)).isEqualTo(-1);
        assertThat(Bc660kModuleTls.error(null)).isEqualTo(-1);
    }
}
