package io.uplink.ota;

import java.util.List;
import java.util.Objects;

/**
 * An installed deployment package as the OTA service sees it.
 *
 * @since 1.0
 */
public final class PackageInfo {

    private final String name;
    private final String version;
    private final List<String> bundles;
    private final String signer;
    private final String previousVersion;

    /**
     * @param signer subject of the certificate that signed the installed file, empty when not installed through OTA
     * @param previousVersion the version a rollback returns to, empty when none is kept
     */
    public PackageInfo(String name, String version, List<String> bundles, String signer, String previousVersion) {
        this.name = Objects.requireNonNull(name);
        this.version = Objects.requireNonNull(version);
        this.bundles = List.copyOf(bundles);
        this.signer = Objects.requireNonNull(signer);
        this.previousVersion = Objects.requireNonNull(previousVersion);
    }

    /** DeploymentPackage-SymbolicName. */
    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    /** Symbolic names of the package's bundles. */
    public List<String> bundles() {
        return bundles;
    }

    public String signer() {
        return signer;
    }

    public String previousVersion() {
        return previousVersion;
    }

    @Override
    public String toString() {
        return name + " " + version;
    }
}
