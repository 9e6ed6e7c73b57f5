package io.uplink.modem.emulator;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = EmulatorConfig.PID, name = "Uplink modem emulator",
        description = "The emulated modules behind modem ports named 'emulator:<model>' (bg95, ...). Their sockets "
                + "reach real hosts through the gateway's own network. For demos and tests; a real modem needs none "
                + "of this.")
@interface EmulatorConfig {

    String PID = "io.uplink.modem.emulator";

    @AttributeDefinition(name = "Cellular latency (ms)", min = "0", max = "5000",
            description = "One-way latency added to socket data, in milliseconds. LTE-M is typically 50-150. "
                    + "Range 0-5000. Default 50.")
    int latency_ms() default 50;

    @AttributeDefinition(name = "Cellular bandwidth (bytes/s)", min = "0",
            description = "Throughput per direction in bytes per second; 0 = limited by the serial line only. "
                    + "LTE-M Cat M1: about 40000-100000. Default 0.")
    int bandwidth_bytes_per_s() default 0;

    @AttributeDefinition(name = "Packet loss (%)", min = "0", max = "50",
            description = "Share of chunks that need a retransmission (adds one retransmission timeout each). "
                    + "Range 0-50. Default 0.")
    int loss_percent() default 0;

    @AttributeDefinition(name = "Close sockets after (bytes)", min = "0",
            description = "Fault: close a socket at random around this many bytes (seed 000 saw ~877). 0 = off.")
    int fault_close_after_bytes() default 0;

    @AttributeDefinition(name = "URCs inside responses (%)", min = "0", max = "100",
            description = "Fault: share of responses with a URC before their final result. Range 0-100. Default 0.")
    int fault_urc_inside_percent() default 0;

    @AttributeDefinition(name = "Registration state", options = {
        @org.osgi.service.metatype.annotations.Option(label = "1 registered, home network", value = "1"),
        @org.osgi.service.metatype.annotations.Option(label = "5 registered, roaming", value = "5"),
        @org.osgi.service.metatype.annotations.Option(label = "2 searching (no coverage)", value = "2"),
        @org.osgi.service.metatype.annotations.Option(label = "3 registration denied", value = "3") },
            description = "Fault: the 27.007 registration state the module reports once its SIM is ready. Anything "
                    + "but 1 or 5 keeps it from attaching (try 'bin/uplink doctor --modem emulator:bg95').")
    int fault_registration() default 1;

    @AttributeDefinition(name = "Required APN", required = false, description = "Fault: when set, the network "
            + "accepts a data connection only with this APN; any other makes AT+QIACT answer ERROR. Empty = any APN.")
    String fault_required_apn() default "";

    @AttributeDefinition(name = "Reboot after commands", min = "0",
            description = "Fault: the module reboots (RDY, APP RDY) on every n-th AT command, losing sockets, the PDP "
                    + "context and its SSL settings; files stay. 0 = off. Default 0.")
    int fault_reboot_after_commands() default 0;

    @AttributeDefinition(name = "Corrupt uploads",
            description = "Fault: the module stores every AT+QFUPL upload with one byte flipped, so the checksum it "
                    + "reports differs from the data sent. Default off.")
    boolean fault_upload_corruption() default false;

    @AttributeDefinition(name = "File system full",
            description = "Fault: the module's file system (UFS) has no free space; uploads get +CME ERROR: 420. "
                    + "Default off.")
    boolean fault_ufs_full() default false;

    @AttributeDefinition(name = "Largest file (bytes)", min = "1",
            description = "The largest file AT+QFUPL accepts (larger: +CME ERROR: 423). Default 10240, the manual's "
                    + "default upload size.")
    int ufs_max_file_bytes() default 10240;

    @AttributeDefinition(name = "File system size (bytes)", min = "1", max = "16777216",
            description = "Space for files in the module's UFS (full: +CME ERROR: 420). Default 262144.")
    int ufs_capacity_bytes() default 262144;

    @AttributeDefinition(name = "Most files", min = "1", max = "1000",
            description = "How many files the UFS holds (one more: +CME ERROR: 403). Default 64.")
    int ufs_max_files() default 64;

    @AttributeDefinition(name = "SIM PIN",
            description = "If set, the emulated SIM asks for this PIN, as a locked SIM does. Default: no PIN.")
    String sim_pin() default "";
}
