package io.uplink.ota.service;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = OtaConfig.PID, name = "Uplink OTA updates",
        description = "Installs deployment packages only when they are signed by a certificate from the OTA trust "
                + "anchor, checks their health after install and rolls back to the previous version when it fails.")
@interface OtaConfig {

    String PID = "io.uplink.ota";

    @AttributeDefinition(name = "Trust anchor alias",
            description = "Alias in the credential store holding the CA certificate(s) that package signers must "
                    + "chain to. Import it with 'bin/uplink creds import --alias ota-trust --ca CA.pem'. Default ota-trust.")
    String ota_trust_alias() default "ota-trust";

    @AttributeDefinition(name = "Data folder",
            description = "Where the installed and previous package files and the job journal are kept. Empty = "
                    + "data/ota under the gateway's installation folder (the bundle's data area on Kura).")
    String data_dir() default "";

    @AttributeDefinition(name = "Health check time (seconds)", min = "1", max = "3600",
            description = "After an install, the package's bundles must be ACTIVE, their components satisfied (and "
                    + "the endpoint below connected) within this time, else the previous version is reinstalled. "
                    + "Range 1-3600. Default 60.")
    int health_timeout_seconds() default 60;

    @AttributeDefinition(name = "Endpoint that must connect", required = false,
            description = "Id of a cloud endpoint (cloud.endpoint.id) that must be connected for an update to count "
                    + "as healthy, e.g. telemetry. Empty = not checked.")
    String health_endpoint_id() default "";

    @AttributeDefinition(name = "Download trust alias", required = false,
            description = "Credential-store alias with the CA certificate(s) that HTTPS download servers must chain "
                    + "to. Empty = the TLS engine's default anchors.")
    String download_trust_alias() default "";

    @AttributeDefinition(name = "Download attempts", min = "1", max = "1000",
            description = "Connections tried for one download before giving up; each one resumes where the last "
                    + "stopped. Range 1-1000. Default 20.")
    int download_attempts() default 20;

    @AttributeDefinition(name = "Largest package (MiB)", min = "1", max = "4096",
            description = "Downloads larger than this are refused. Range 1-4096. Default 256.")
    int download_max_mib() default 256;

    @AttributeDefinition(name = "Download bandwidth cap (KiB/s)", min = "0", max = "1048576",
            description = "Most kibibytes a second a download may take, for metered or shared links, e.g. 32 on a "
                    + "cellular link whose traffic must leave room for telemetry. 0 = no cap. Range 0-1048576. "
                    + "Default 0.")
    int download_max_kib_per_second() default 0;

    @AttributeDefinition(name = "Transport filter",
            description = "Which transport downloads go through (an LDAP filter on the Transport service), e.g. "
                    + "(transport.kind=os) or (modem.pid=io.uplink.modem~cellular). Default: the OS network.")
    String transport_target() default "(transport.kind=os)";
}
