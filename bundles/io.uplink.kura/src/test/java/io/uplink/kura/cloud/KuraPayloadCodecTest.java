package io.uplink.kura.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Date;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.message.KuraPayload;
import org.junit.jupiter.api.Test;

class KuraPayloadCodecTest {

    @Test
    void jsonCarriesTimestampMetricsInNameOrderAndBody() throws Exception {
        KuraPayload p = new KuraPayload();
        p.setTimestamp(new Date(1_700_000_000_000L));
        p.addMetric("temp", 21.5);
        p.addMetric("name", "a \"b\"\n");
        p.addMetric("ok", true);
        p.addMetric("bad", Double.NaN);
        p.setBody(new byte[] { 1, 2, 3 });
        String json = new String(KuraPayloadCodec.encode(p, "json"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"sentOn\":1700000000000,\"metrics\":{\"bad\":\"NaN\",\"name\":\"a \\\"b\\\"\\n\","
                + "\"ok\":true,\"temp\":21.5},\"body\":\"AQID\"}");
    }

    @Test
    void bodyEncodingNeedsABodyAndUnknownEncodingsAreRefused() {
        KuraPayload p = new KuraPayload();
        p.addMetric("temp", 1);
        assertThatThrownBy(() -> KuraPayloadCodec.encode(p, "body")).isInstanceOf(KuraException.class)
                .hasMessageContaining("has none");
        assertThatThrownBy(() -> KuraPayloadCodec.encode(p, "protobuf")).isInstanceOf(KuraException.class)
                .hasMessageContaining("'protobuf' is not known");
    }

    @Test
    void endpointIdsFromKuraNamesAreSafeFileNames() throws Exception {
        assertThat(UplinkCloudConnectionFactory.endpointId("org.eclipse.kura.cloud/Uplink 1"))
                .isEqualTo("org-eclipse-kura-cloud-Uplink-1");
        assertThat(UplinkCloudConnectionFactory.endpointId("x".repeat(80))).hasSize(64);
        assertThatThrownBy(() -> UplinkCloudConnectionFactory.endpointId(" ")).isInstanceOf(KuraException.class);
    }
}
