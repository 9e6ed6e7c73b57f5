package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.uplink.credentials.CredentialListener;
import io.uplink.credentials.CredentialStore;
import io.uplink.credentials.ValidationReport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The credential store works inside the framework with Bouncy Castle wired as bundles (Kura ships them), tells
 * whiteboard listeners about changes, and follows its configuration.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class CredentialStoreServiceTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    @Test
    void importsStoresAndAnnouncesInsideTheFramework(@InjectService CredentialStore store) throws Exception {
        byte[] device = Fixtures.deviceIdentityPem();
        List<String> heard = new CopyOnWriteArrayList<>();
        ServiceRegistration<CredentialListener> reg = context.registerService(CredentialListener.class,
                (alias, change) -> heard.add(alias + " " + change), null);
        try {
            ValidationReport report = store.importCredential("itest-device", device, null);
            assertThat(report.isUsable()).isTrue();
            assertThat(store.clientIdentity("itest-device")).isPresent();
            assertThat(store.list()).anyMatch(s -> s.alias().equals("itest-device"));
            assertThat(heard).contains("itest-device STORED");
            assertThat(store.delete("itest-device")).isTrue();
            assertThat(heard).contains("itest-device DELETED");
        } finally {
            reg.unregister();
        }
    }

    @Test
    void aNewStorePathInTheConfigurationIsUsed() throws Exception {
        Path dir = Files.createTempDirectory("uplink-itest-store");
        Path file = dir.resolve("moved.bcfks");
        Configuration c = configAdmin.getConfiguration("io.uplink.credentials", null);
        ServiceTracker<CredentialStore, CredentialStore> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + CredentialStore.class.getName() + ")(store.path="
                        + file.toString().replace("\\", "\\\\") + "))"), null);
        tracker.open();
        try {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("store.path", file.toString());
            c.update(props);
            CredentialStore moved = tracker.waitForService(TimeUnit.SECONDS.toMillis(30));
            assertThat(moved).as("credential store re-registered with the new path").isNotNull();
            moved.importCredential("moved", Fixtures.deviceIdentityPem(), null);
            assertThat(file).exists();
            assertThat(dir.resolve("store.secret")).exists();
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("device");
        } finally {
            tracker.close();
            c.delete();
        }
    }
}
