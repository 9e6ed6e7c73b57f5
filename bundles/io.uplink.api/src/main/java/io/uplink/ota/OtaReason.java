package io.uplink.ota;

/**
 * Why an update was refused or failed: a stable code for scripts and the response topic, and the default fix in
 * plain words.
 *
 * @since 1.0
 */
public enum OtaReason {
    /** The file is not a readable deployment package (not a JAR, no manifest, no DeploymentPackage-SymbolicName). */
    MALFORMED("ota.malformed", "Build the package again; a deployment package is a JAR whose manifest names "
            + "DeploymentPackage-SymbolicName and DeploymentPackage-Version."),
    /** No signature at all. */
    UNSIGNED("ota.unsigned", "Sign the package: 'bin/uplink ota sign --key KEY.pem --cert CERT.pem IN.dp OUT.dp' "
            + "with a certificate issued by the OTA trust anchor."),
    /** An entry's content no longer matches the digest the signer recorded. */
    ENTRY_CHANGED("ota.tampered.changed", "The package was modified after signing or damaged in transfer: "
            + "download it again; if it persists, rebuild and sign it again."),
    /** An entry is present that the signer did not sign. */
    ENTRY_ADDED("ota.tampered.added", "The package holds an entry that was added after signing: get the original "
            + "package, or sign the new content again."),
    /** An entry the signer signed is missing. */
    ENTRY_REMOVED("ota.tampered.removed", "An entry was removed after signing: get the original package, or sign "
            + "the new content again."),
    /** The signing certificate is outside its validity dates. */
    SIGNER_EXPIRED("ota.signer.expired", "The signing certificate has expired (or is not valid yet): sign the "
            + "package again with a current certificate from the OTA trust anchor."),
    /** The signer does not chain to the configured OTA trust anchors. */
    SIGNER_UNTRUSTED("ota.signer.untrusted", "The package is signed by a certificate the gateway does not trust: "
            + "sign it with a certificate issued by the OTA trust anchor, or import the right anchor with "
            + "'bin/uplink creds import --alias ALIAS --ca CA.pem' and set ota.trust.alias to ALIAS."),
    /** No trust anchors are configured, so nothing can be trusted. */
    NO_TRUST_ANCHORS("ota.trust.missing", "Import the CA that signs your packages with 'bin/uplink creds import "
            + "--alias ota-trust --ca CA.pem' and set ota.trust.alias (default ota-trust) in the io.uplink.ota configuration."),
    /** DeploymentAdmin refused or failed the install; the previous state is kept. */
    INSTALL_FAILED("ota.install.failed", "Read the DeploymentAdmin cause below; the previously installed version "
            + "is still in place."),
    /** The package installed but did not pass the health check; the previous version was reinstalled. */
    HEALTH_CHECK_FAILED("ota.health.failed", "Fix what the health check names (a bundle that does not start, an "
            + "unsatisfied component, no cloud connection) and install a corrected package."),
    /** A rollback was asked for but no previous version is kept. */
    NO_PREVIOUS_VERSION("ota.rollback.none", "Only a package updated by this gateway's OTA service has a previous "
            + "version to return to; install the wanted version instead."),
    /** The named deployment package is not installed. */
    NOT_INSTALLED("ota.not.installed", "Run 'bin/uplink ota list' for the installed packages and their names."),
    /** Not enough space or an I/O error on the gateway's storage. */
    STORAGE("ota.storage", "Free space in the gateway's data folder or fix its permissions, then try again.");

    private final String code;
    private final String fix;

    OtaReason(String code, String fix) {
        this.code = code;
        this.fix = fix;
    }

    /** Stable code, e.g. {@code ota.tampered.changed}. */
    public String code() {
        return code;
    }

    /** What to do about it, in plain words. */
    public String fix() {
        return fix;
    }
}
