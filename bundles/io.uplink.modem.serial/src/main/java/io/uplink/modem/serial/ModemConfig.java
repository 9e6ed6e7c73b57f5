package io.uplink.modem.serial;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = ModemConfig.FACTORY_PID, name = "Uplink cellular modem",
        description = "One cellular modem on a serial port. Uplink opens the port, identifies the modem, attaches it "
                + "to the network with the matching dialect, and offers its sockets as a transport "
                + "(transport.kind=modem). Create one configuration per modem.")
@interface ModemConfig {

    String FACTORY_PID = "io.uplink.modem";

    @AttributeDefinition(name = "Serial port",
            description = "The modem's AT command port: a device path such as /dev/ttyUSB2 (Quectel USB modules "
                    + "expose the AT port as the third ttyUSB) or /dev/ttyS1, COM3 on Windows, or emulator:bg95 for "
                    + "the built-in emulated modem.")
    String port() default "/dev/ttyUSB2";

    @AttributeDefinition(name = "Baud rate", description = "Serial line rate in bits/s. USB modems ignore it; UART "
            + "modems need the rate they are set to (Quectel default 115200).", options = {
                @Option(label = "9600", value = "9600"), @Option(label = "57600", value = "57600"),
                @Option(label = "115200", value = "115200"), @Option(label = "230400", value = "230400"),
                @Option(label = "460800", value = "460800"), @Option(label = "921600", value = "921600") })
    int baud() default 115200;

    @AttributeDefinition(name = "Flow control", description = "RTS/CTS hardware flow control (recommended on UARTs "
            + "above 115200 baud; the modem must be set to it, e.g. AT+IFC=2,2).", options = {
                @Option(label = "None", value = "none"), @Option(label = "RTS/CTS", value = "rts-cts") })
    String flow_control() default "none";

    @AttributeDefinition(name = "Dialect", description = "'auto' identifies the modem (ATI) and picks the matching "
            + "dialect bundle; or name one: quectel-bg9x, quectel-bc66, nordic-nrf91-slm, sierra-hl78xx.")
    String dialect() default "auto";

    @AttributeDefinition(name = "APN", required = false,
            description = "Access point name from your SIM provider, e.g. iot.1nce.net. Empty = the network's default.")
    String apn() default "";

    @AttributeDefinition(name = "APN user", required = false, description = "Only if the provider requires one.")
    String apn_user() default "";

    @AttributeDefinition(name = "APN password", type = AttributeType.PASSWORD, required = false,
            description = "Only if the provider requires one. Never logged.")
    String _apn_password() default "";

    @AttributeDefinition(name = "SIM PIN", type = AttributeType.PASSWORD, required = false,
            description = "Only if the SIM has a PIN. A wrong PIN is never retried (three wrong PINs lock the SIM).")
    String _sim_pin() default "";

    @AttributeDefinition(name = "PDP context", min = "1", max = "16",
            description = "Context id used for data (1-16). Default 1.")
    int pdp_context() default 1;

    @AttributeDefinition(name = "Registration timeout (s)", min = "10", max = "3600",
            description = "How long to wait for network registration, in seconds, before trying again. LTE-M first "
                    + "attach can take minutes. Range 10-3600. Default 180.")
    int registration_timeout_s() default 180;
}
