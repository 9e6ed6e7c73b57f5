package io.uplink.ota.verify;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A deployment package whose signature checked out: its identity and the certificate chain that signed it.
 *
 * @param name DeploymentPackage-SymbolicName
 * @param version DeploymentPackage-Version
 * @param fixPack {@code true} when the package is a fix package (DeploymentPackage-FixPack present)
 * @param bundles symbolic names of the bundles it carries, in entry order
 * @param signerChain signer first, as the package carries it
 */
public record VerifiedPackage(String name, String version, boolean fixPack, List<String> bundles,
        List<X509Certificate> signerChain) {

    public VerifiedPackage {
        bundles = List.copyOf(bundles);
        signerChain = List.copyOf(signerChain);
    }

    /** Subject of the signing certificate (RFC 2253). */
    public String signer() {
        return signerChain.get(0).getSubjectX500Principal().getName();
    }
}
