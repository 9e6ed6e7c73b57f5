package io.uplink.modem.sierra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The pure parsers on the lines of the manual, Sierra's test scripts and field logs, and on malformed ones. */
class SierraUrcsTest {

    @Test
    void sessionLinesAsTheManualAndTheFieldShowThem() {
        assertThat(SierraUrcs.configuredSession("+KTCPCFG: 1")).hasValue(1);
        assertThat(SierraUrcs.indication("+KTCP_IND: 1,1")).hasValue(new SierraUrcs.Indication(1, 1));
        assertThat(SierraUrcs.notification("+KTCP_NOTIF: 1,8")).hasValue(new SierraUrcs.Notification(1, 8));
        assertThat(SierraUrcs.notification("+KTCP_NOTIF: 1, 4")).hasValue(new SierraUrcs.Notification(1, 4));
        assertThat(SierraUrcs.dataAvailable("+KTCP_DATA: 2,1460")).hasValue(new SierraUrcs.DataAvailable(2, 1460));
        assertThat(SierraUrcs.sessionStatus("+KTCPSTAT: 3,-1,0,12"))
                .hasValue(new SierraUrcs.SessionStatus(3, -1, 0, 12));
        assertThat(SierraUrcs.registrationStat("+CEREG: 0,1", true)).hasValue(1);
        assertThat(SierraUrcs.registrationStat("+CEREG: 5,\"1A2B\",\"01C2D3E4\",7", false)).hasValue(5);
    }

    @Test
    void malformedLinesGiveNothing() {
        assertThat(SierraUrcs.configuredSession("+KTCPCFG: 0")).isEmpty();
        assertThat(SierraUrcs.configuredSession("+KTCPCFG: x")).isEmpty();
        assertThat(SierraUrcs.indication("+KTCP_IND: 1")).isEmpty();
        assertThat(SierraUrcs.notification("+KTCP_NOTIF: ,")).isEmpty();
        assertThat(SierraUrcs.dataAvailable("+KTCP_DATA: 1,99999999999")).isEmpty();
        assertThat(SierraUrcs.sessionStatus("+KTCPSTAT: 3,-1,0")).isEmpty();
        assertThat(SierraUrcs.registrationStat("+CEREG: 0", true)).isEmpty();
        assertThat(SierraUrcs.registrationStat(null, false)).isEmpty();
    }

    @Test
    void theCredentialListingAsSierrasTestScriptsExpectIt() {
        List<SierraUrcs.StoredEntry> entries = SierraUrcs.storedEntries(List.of("CONNECT", "root_cert,0,1058",
                "local_cert,0,0", "local_cert,1,0", "local_cert,2,0", "-----BEGIN CERTIFICATE-----",
                "+KPRIVKSTORE: private_key,0,258", "private_key,x,1", "junk,0,1", SierraCommands.EOF_PATTERN));
        assertThat(entries).containsExactly(new SierraUrcs.StoredEntry("root_cert", 0, 1058),
                new SierraUrcs.StoredEntry("local_cert", 0, 0), new SierraUrcs.StoredEntry("local_cert", 1, 0),
                new SierraUrcs.StoredEntry("local_cert", 2, 0), new SierraUrcs.StoredEntry("private_key", 0, 258));
    }

    @Test
    void theCutAroundTheEofPatternKeepsThePatternOutOfEveryDataPhase() {
        byte[] plain = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThat(SierraCommands.safeLength(plain, 0, plain.length)).isEqualTo(5);
        byte[] holding = "ab--EOF--Pattern--cd".getBytes(StandardCharsets.US_ASCII);
        assertThat(SierraCommands.safeLength(holding, 0, holding.length)).isEqualTo(3); // "ab-", then the rest
        byte[] prefixAtEnd = "ab--EOF--Pattern-".getBytes(StandardCharsets.US_ASCII);
        // the pattern's own start at the end would run into the appended pattern: "-" + "--EOF..." is no match, but
        // "--EOF--Pattern-" + "-" is: the cut falls before it
        int n = SierraCommands.safeLength(prefixAtEnd, 0, prefixAtEnd.length);
        assertThat(n).isEqualTo(3);
        assertThat(SierraCommands.safeLength("-".getBytes(StandardCharsets.US_ASCII), 0, 1)).isEqualTo(1);
    }
}
