package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.uplink.doctor.Cause;

import org.junit.jupiter.api.Test;

/** The doctor's help lists every cause code of the doctor's table, new ones included. */
class DoctorHelpTest {

    @Test
    void helpListsEveryCauseCode() {
        String help = DoctorCommand.USAGE.replace("\n", " ");
        for (Cause c : Cause.values()) {
            assertThat(help).as("help lists %s", c.code()).containsPattern("[ :]" + java.util.regex.Pattern.quote(
                    c.code()) + "[,.]");
        }
        assertThat(help).contains("tls.not-tls", "tls.chain-too-long", "tls.certificate-too-large",
                "tls.protocol-error", "net.connection-reset");
        assertThat(DoctorCommand.USAGE.lines()).allMatch(l -> l.length() <= 110);
    }
}
