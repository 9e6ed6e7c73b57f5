package io.uplink.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The addresses a hostile review typed (issue 16, Low 13 and 14), and the ones people write every day. */
class EndpointAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mqtts://broker.example.com:8883 | broker.example.com | 8883 | true",
            "mqtt://broker.example.com       | broker.example.com | 1883 | false",
            "mqtts://broker.example.com      | broker.example.com | 8883 | true",
            "broker.example.com:1883         | broker.example.com | 1883 | true",
            "127.0.0.1                       | 127.0.0.1          | 8883 | true",
            "[::1]:1883                      | ::1                | 1883 | true",
            "mqtt://[2001:db8::1]:1884/      | 2001:db8::1        | 1884 | false",
            "::1                             | ::1                | 8883 | true",
            "tcp://Host-1.Example:65535      | Host-1.Example     | 65535| false",
            "mqtts://bücher.example:8883     | xn--bcher-kva.example | 8883 | true",
            "broker.example.com.             | broker.example.com | 8883 | true" })
    void acceptsWhatPeopleWrite(String text, String host, int port, boolean tls) {
        EndpointAddress a = EndpointAddress.parse(text, true);
        assertThat(a.host()).isEqualTo(host);
        assertThat(a.port()).isEqualTo(port);
        assertThat(a.tls()).isEqualTo(tls);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mqtts://host:99999      | outside 1-65535",
            "host:99999              | outside 1-65535",
            "''                      | no broker address",
            "mqtts://                | names no host",
            "host:-5                 | not a number",
            "host:0                  | outside 1-65535",
            "host:                   | no port",
            ":8883                   | names no host",
            "[::1                    | does not close it",
            "[::1]x                  | only ':PORT'",
            "[zz::1]:8883            | not an IPv6 address",
            "under_score:8883        | underscore",
            "http://host:8883        | scheme 'http'",
            "mqtts://host:8883/a/b   | has a path",
            "-bad.example            | start or end with '-'",
            "a..b                    | not a host name" })
    void refusesWithTheReason(String text, String reason) {
        assertThatThrownBy(() -> EndpointAddress.parse(text, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void userInfoIsRefusedAndThePasswordNotEchoed() {
        assertThatThrownBy(() -> EndpointAddress.parse("mqtt://bob:secret@host", true))
                .hasMessageContaining("user name and a password").hasMessageContaining("--password-stdin")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> EndpointAddress.host("bob:secret@host")).hasMessageContaining("password")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> EndpointAddress.host("bob@host")).hasMessageContaining("user name");
    }

    @Test
    void hostAloneAsMinusHTakesIt() {
        assertThat(EndpointAddress.host("bücher.example")).isEqualTo("xn--bcher-kva.example");
        assertThat(EndpointAddress.host("[::1]")).isEqualTo("::1");
        assertThat(EndpointAddress.host("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThatThrownBy(() -> EndpointAddress.host("")).hasMessageContaining("no host");
        assertThatThrownBy(() -> EndpointAddress.host("under_score")).hasMessageContaining("underscore");
    }

    @Test
    void uriPutsIpv6InBrackets() {
        assertThat(EndpointAddress.parse("[::1]:1883", false).uri()).isEqualTo("mqtt://[::1]:1883");
        assertThat(EndpointAddress.parse("h.example", true).uri()).isEqualTo("mqtts://h.example:8883");
    }
}
