package io.uplink.kura.secrets;

import java.util.Dictionary;

import org.eclipse.kura.crypto.CryptoService;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On Kura, hands Uplink's components the clear values of the Password fields Kura's UI stored encrypted (MQTT
 * password, Azure device key, credential store secret, APN password, SIM PIN), with Kura's CryptoService, as Kura's
 * own components do. A ConfigAdmin plugin, so Uplink's bundles stay free of Kura's API; it runs before Uplink's
 * configuration guard (ranking 100 &lt; 500) and changes only what the components receive, never what is stored.
 */
@Component(service = ConfigurationPlugin.class, property = { ConfigurationPlugin.CM_RANKING + ":Integer=100",
    "config.plugin.id=io.uplink.kura.passwords" })
public final class KuraPasswordDecryption implements ConfigurationPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(KuraPasswordDecryption.class);

    private final CryptoService crypto;

    @Activate
    public KuraPasswordDecryption(@Reference CryptoService crypto) {
        this.crypto = crypto;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Object factoryPid = properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        Object pid = factoryPid != null ? factoryPid : properties.get("service.pid");
        int n = PasswordFields.decrypt(String.valueOf(pid), properties, crypto::decryptAes);
        if (n > 0) {
            LOG.debug("{}: {} Kura-encrypted field(s) handed over decrypted", properties.get("service.pid"), n);
        }
    }
}
