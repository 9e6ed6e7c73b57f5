package io.uplink.modem.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.uplink.modem.SerialLink;
import io.uplink.modem.SerialLinkProvider;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Serves modem ports named {@code emulator:<model>} for every personality in {@link Personalities} ({@code bg95},
 * ...): each open starts that module behind a serial line paced at the configured baud rate; closing the link stops
 * it. An unknown model fails with an error listing the known ones.
 */
@Component(configurationPid = EmulatorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = SerialLinkProvider.SCHEME + "=emulator")
@Designate(ocd = EmulatorConfig.class)
public final class EmulatorPortProvider implements SerialLinkProvider {

    private final LinkModel cellular;
    private final Faults faults;
    private final String simPin;
    private final Bg95Options options;

    @Activate
    public EmulatorPortProvider(EmulatorConfig config) {
        this.cellular = new LinkModel(0, Math.max(0, config.latency_ms()), Math.max(0,
                config.bandwidth_bytes_per_s()), Math.min(50, Math.max(0, config.loss_percent())), 10 * 1024,
                64 * 1024);
        this.faults = Faults.NONE.withCloseAfterBytes(Math.max(0, config.fault_close_after_bytes()))
                .withUrcInsideResponses(Math.min(100, Math.max(0, config.fault_urc_inside_percent())))
                .withRegistration(validRegistration(config.fault_registration()))
                .withRequiredApn(config.fault_required_apn() == null ? "" : config.fault_required_apn().trim())
                .withResetAfterCommands(Math.max(0, config.fault_reboot_after_commands()));
        this.simPin = config.sim_pin();
        this.options = options(config);
    }

    /** Out-of-range limits fall back to the defaults (logged), so a typo cannot stop the emulator from starting. */
    private static Bg95Options options(EmulatorConfig config) {
        Bg95Options base = Bg95Options.DEFAULTS.withUploadCorruption(config.fault_upload_corruption())
                .withUfsFull(config.fault_ufs_full());
        try {
            return base.withUfsLimits(config.ufs_max_file_bytes(), config.ufs_capacity_bytes(), config.ufs_max_files());
        } catch (IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(EmulatorPortProvider.class).warn(
                    "Emulator UFS limits ignored, defaults used instead: {}. Fix ufs.* in {}.", e.getMessage(),
                    EmulatorConfig.PID);
            return base;
        }
    }

    /** Out-of-range states become 1 (registered), so a typo cannot take the emulated network away silently. */
    private static int validRegistration(int stat) {
        return stat == 1 || stat == 2 || stat == 3 || stat == 5 ? stat : 1;
    }

    @Override
    public SerialLink open(String port, int baud) throws IOException {
        Personalities.Factory personality = Personalities.factory(port);
        VirtualSerialLine line = new VirtualSerialLine(port, baud);
        EmulatedModule modem = personality.start(line.modemEnd(), new ModuleSettings(cellular.withBaud(baud), faults,
                simPin, options));
        SerialLink gateway = line.gatewayEnd();
        return new SerialLink() {
            @Override
            public InputStream input() {
                return gateway.input();
            }

            @Override
            public OutputStream output() {
                return gateway.output();
            }

            @Override
            public String name() {
                return port;
            }

            @Override
            public void close() throws IOException {
                gateway.close();
                modem.close();
                line.close();
            }
        };
    }
}
