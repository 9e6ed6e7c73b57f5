package io.uplink.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.CredentialStore;
import io.uplink.credentials.PemStyle;
import io.uplink.diagnostics.ConnectionDoctor;
import io.uplink.diagnostics.Diagnosis;
import io.uplink.diagnostics.DiagnosisRequest;
import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.Layer;
import io.uplink.diagnostics.ProgressListener;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemTls;
import io.uplink.tls.TlsEngine;
import io.uplink.transport.Transport;

/**
 * {@link ConnectionDoctor} inside the gateway: the running transports (the OS one, and each attached modem's by its
 * PID), the TLS engine, and the credential store for CA and identity aliases.
 */
@Component(service = ConnectionDoctor.class, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class DoctorComponent implements ConnectionDoctor {

    private record Tracked<T>(T service, Map<String, Object> properties) {
    }

    private final List<Tracked<Transport>> transports = new CopyOnWriteArrayList<>();
    private final List<Tracked<Modem>> modems = new CopyOnWriteArrayList<>();
    private volatile TlsEngine tls;
    private volatile CredentialStore credentials;
    private volatile byte[] lastCapture = new byte[0];

    /**
     * @throws IllegalArgumentException for a malformed endpoint URI or option
     * @throws IllegalStateException when the gateway lacks the OS transport or, for mqtts://, the TLS engine
     */
    @Override
    public Diagnosis diagnose(DiagnosisRequest request, ProgressListener progress) {
        List<Finding> earlier = new ArrayList<>();
        Map<String, String> o = request.options();
        CredentialStore store = credentials;
        List<java.security.cert.X509Certificate> anchors = List.of();
        ClientIdentity identity = null;
        String caAlias = o.getOrDefault("ca.alias", "");
        String idAlias = o.getOrDefault("identity.alias", "");
        if ((!caAlias.isEmpty() || !idAlias.isEmpty()) && store == null) {
            return fail(Layer.TLS, "credentials.malformed", "The credential store is not running, so the aliases "
                    + "cannot be read.", "Start the io.uplink.credentials bundle.");
        }
        if (!caAlias.isEmpty()) {
            anchors = store.trustAnchors(caAlias);
            if (anchors.isEmpty()) {
                return fail(Layer.TLS, "credentials.malformed", "The credential store has no CA certificates under '"
                        + caAlias + "'.", "Import them: bin/uplink creds import --alias " + caAlias + " --ca FILE");
            }
        }
        if (!idAlias.isEmpty()) {
            identity = store.clientIdentity(idAlias).orElse(null);
            if (identity == null) {
                return fail(Layer.TLS, "credentials.malformed", "The credential store has no certificate with its key "
                        + "under '" + idAlias + "'.", "Import them: bin/uplink creds import --alias " + idAlias
                                + " --cert FILE --key FILE");
            }
        }
        // A malformed request is the caller's error, not a rung: IllegalArgumentException names it.
        DoctorTarget target = DoctorRequests.target(request.endpointUri(), o, anchors, identity, null);
        Transport os = pick(Transport.KIND_OS, null);
        TlsEngine engine = tls;
        if (engine == null && target.tls()) {
            throw new IllegalStateException("no TLS engine is running in the gateway: start io.uplink.tls.bc");
        }
        Transport path = os;
        boolean viaModem = !request.modem().isEmpty();
        boolean modemTls = DoctorRequests.modemTls(o);
        if (modemTls && (!viaModem || !target.tls())) {
            throw new IllegalArgumentException("tls.mode=modem needs a modem to diagnose through and an mqtts:// "
                    + "endpoint");
        }
        Modem m = null;
        if (viaModem) {
            path = pick(null, request.modem());
            m = modems.stream().filter(t -> request.modem().equals(t.properties().get(Modem.PID)))
                    .map(Tracked::service).findFirst().orElse(null);
            if (path == null || m == null) {
                return fail(Layer.MODEM, "serial.no-response", "The modem '" + request.modem() + "' is not attached "
                        + "(no Modem service with that PID).", "Check its configuration and its log: the port, the "
                                + "SIM and the registration are reported there; or run bin/uplink doctor --modem "
                                + "PORT for the modem rungs.");
            }
            earlier.add(new Finding(Layer.REGISTRATION, m.registration().isRegistered() ? Status.PASS : Status.FAIL,
                    m.registration().isRegistered() ? "ok" : "modem.not-registered", m.identity() + " reports "
                            + m.registration() + ".", m.registration().isRegistered() ? "" : "Check the antenna, the "
                                    + "coverage and the SIM's plan.", List.of()));
        }
        if (path == null) {
            throw new IllegalStateException("the OS network transport is not running: start io.uplink.transport.os");
        }
        Doctor doctor = new Doctor(engine);
        if (modemTls) {
            return diagnoseModemTls(doctor, target, m, store, caAlias, idAlias, earlier, progress);
        }
        try {
            return doctor.diagnose(target, path, viaModem, viaModem ? os : null, earlier, progress);
        } finally {
            lastCapture = doctor.lastCapture();
        }
    }

    /** The modem's own TLS: the aliases' certificates in the modem's PEM style, then the doctor's modem-TLS walk. */
    private static Diagnosis diagnoseModemTls(Doctor doctor, DoctorTarget target, Modem m, CredentialStore store,
            String caAlias, String idAlias, List<Finding> earlier, ProgressListener progress) {
        if (caAlias.isEmpty()) {
            return fail(Layer.TLS, "credentials.malformed", "The modem's own TLS needs the CA certificates that "
                    + "signed the broker's certificate: a modem has no CA list of its own.", "Choose the alias of "
                            + "the broker's CA (ca.alias); import it first with bin/uplink creds import --alias A "
                            + "--ca FILE.");
        }
        PemStyle style = m.tls().map(ModemTls::pemStyle).orElse(PemStyle.STANDARD);
        ModemCredentials trust;
        ModemCredentials identity = null;
        try {
            trust = ModemCredentials.trust(ModemCredentials.nameFor(caAlias), store.exportPem(caAlias,
                    CredentialPart.TRUST_ANCHORS, style));
            if (!idAlias.isEmpty()) {
                identity = ModemCredentials.identity(ModemCredentials.nameFor(idAlias), null, store.exportPem(
                        idAlias, CredentialPart.CLIENT_CERTIFICATE, style), store.exportPem(idAlias,
                                CredentialPart.PRIVATE_KEY, style));
            }
        } catch (CredentialException e) {
            return fail(Layer.TLS, "credentials.malformed", "The credential store cannot give the certificates for "
                    + "the modem: " + e.getMessage(), "Check the aliases with bin/uplink creds list.");
        }
        return doctor.diagnoseModemTls(target, m, trust, identity, earlier, progress);
    }

    @Override
    public byte[] lastCapture() {
        return lastCapture.clone();
    }

    private static Diagnosis fail(Layer layer, String cause, String summary, String fix) {
        Finding f = new Finding(layer, Status.FAIL, cause, summary, fix, List.of());
        return new Diagnosis(f, List.of(f));
    }

    private Transport pick(String kind, String modemPid) {
        for (Tracked<Transport> t : transports) {
            if (kind != null ? kind.equals(t.properties().get(Transport.KIND))
                    : modemPid.equals(t.properties().get(Transport.MODEM_PID))) {
                return t.service();
            }
        }
        return null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(Transport t, Map<String, Object> properties) {
        transports.add(new Tracked<>(t, properties));
    }

    void removeTransport(Transport t) {
        transports.removeIf(x -> x.service() == t);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addModem(Modem m, Map<String, Object> properties) {
        modems.add(new Tracked<>(m, properties));
    }

    void removeModem(Modem m) {
        modems.removeIf(x -> x.service() == m);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setTls(TlsEngine engine) {
        tls = engine;
    }

    void unsetTls(TlsEngine engine) {
        if (tls == engine) {
            tls = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCredentials(CredentialStore store) {
        credentials = store;
    }

    void unsetCredentials(CredentialStore store) {
        if (credentials == store) {
            credentials = null;
        }
    }
}
