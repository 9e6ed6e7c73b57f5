package io.uplink.feature.check;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.deploymentadmin.BundleInfo;
import org.osgi.service.deploymentadmin.DeploymentPackage;
import org.osgi.service.deploymentadmin.spi.DeploymentSession;
import org.osgi.service.deploymentadmin.spi.ResourceProcessor;
import org.osgi.service.deploymentadmin.spi.ResourceProcessorException;

/**
 * Processes a package's requirements resource (a properties file of hints: package-name prefix = what brings it).
 * When Deployment Admin hands it over, the package's bundles are installed but not started: this resolves them and,
 * if one cannot resolve, fails the installation with every missing package or bundle and where to get it. Without
 * this, Felix Deployment Admin 0.9.x (Kura's) reports such a package "installed" and only logs a warning.
 *
 * <p>Deployment Admin calls a processor from one session thread at a time; the session field is only touched there.
 */
final class RequirementsProcessor implements ResourceProcessor {

    /** Bound on the hints resource: it is a few lines; anything larger is not ours. */
    static final int MAX_HINTS_BYTES = 64 * 1024;

    private final BundleContext context;
    private DeploymentSession session;

    RequirementsProcessor(BundleContext context) {
        this.context = context;
    }

    @Override
    public void begin(DeploymentSession session) {
        this.session = session;
    }

    @Override
    public void process(String name, InputStream stream) throws ResourceProcessorException {
        Hints hints;
        try {
            hints = Hints.read(stream, MAX_HINTS_BYTES);
        } catch (IOException | IllegalArgumentException e) {
            throw new ResourceProcessorException(ResourceProcessorException.CODE_OTHER_ERROR,
                    "Resource " + name + " of this deployment package is not a valid requirements file ("
                            + e.getMessage() + "): rebuild the package with Uplink's features build.", e);
        }
        DeploymentPackage dp = session.getSourceDeploymentPackage();
        List<Bundle> bundles = new ArrayList<>();
        for (BundleInfo info : dp.getBundleInfos()) {
            Bundle b = dp.getBundle(info.getSymbolicName());
            if (b != null && b.getBundleId() != context.getBundle().getBundleId()) {
                bundles.add(b);
            }
        }
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        List<String> problems = new RequirementsCheck(wiring, hints).unresolved(bundles);
        if (!problems.isEmpty()) {
            throw new ResourceProcessorException(ResourceProcessorException.CODE_OTHER_ERROR,
                    "Deployment package " + dp.getName() + " " + dp.getVersion() + " cannot start: "
                            + String.join(" ", problems));
        }
    }

    @Override
    public void dropped(String resource) {
        // nothing was stored for the resource
    }

    @Override
    public void dropAllResources() {
        // nothing was stored for the package
    }

    @Override
    public void prepare() {
        // the check ran in process(); nothing to stage
    }

    @Override
    public void commit() {
        session = null;
    }

    @Override
    public void rollback() {
        session = null;
    }

    @Override
    public void cancel() {
        // process() is short and not interruptible
    }
}
