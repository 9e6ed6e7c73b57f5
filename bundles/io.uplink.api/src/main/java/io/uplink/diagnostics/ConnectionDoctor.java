package io.uplink.diagnostics;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Walks the ladder (serial, modem, SIM, registration, PDP, DNS, TCP, TLS, MQTT, publish) and reports findings.
 *
 * <p>Thread-safe; a diagnosis may take up to a minute and blocks its caller; progress is reported as each rung
 * completes.
 *
 * @since 1.0
 */
@ProviderType
public interface ConnectionDoctor {

    /**
     * Diagnoses the connection described by {@code request}. Never throws for a failed rung: failures are findings.
     *
     * @param progress called after each rung, on the calling thread; may be {@link ProgressListener#NONE}
     */
    Diagnosis diagnose(DiagnosisRequest request, ProgressListener progress);

    /**
     * The TLS bytes of the last diagnosis as a pcap capture (libpcap format, for Wireshark), including a failed
     * handshake; empty when the last diagnosis had no TLS step.
     *
     * @since 1.1
     */
    default byte[] lastCapture() {
        return new byte[0];
    }
}
