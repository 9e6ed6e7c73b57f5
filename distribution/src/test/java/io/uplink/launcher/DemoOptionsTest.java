package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** 'uplink demo' options: the emulated module to run on. */
class DemoOptionsTest {

    @Test
    void runsOnTheBg95UnlessAnotherEmulatedModuleIsNamed() {
        assertThat(DemoCommand.Options.parse(List.of()).modem()).isEqualTo("emulator:bg95");
        assertThat(DemoCommand.Options.parse(List.of("--modem", "emulator:nrf9160")).modem())
                .isEqualTo("emulator:nrf9160");
        assertThat(DemoCommand.Options.parse(List.of("--modem=HL7800")).modem()).isEqualTo("emulator:hl7800");
        assertThat(DemoCommand.Options.parse(List.of("--modem", "emulator:bc660k")).modem())
                .isEqualTo("emulator:bc660k");
    }

    @Test
    void aModuleTheEmulatorDoesNotHaveIsRefusedWithTheList() {
        assertThatThrownBy(() -> DemoCommand.Options.parse(List.of("--modem", "/dev/ttyUSB2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("emulator:nrf9160")
                .hasMessageContaining("configure io.uplink.modem");
        assertThatThrownBy(() -> DemoCommand.Options.parse(List.of("--modem")))
                .hasMessageContaining("--modem needs a value");
    }
}
