package io.uplink.cloud.mqtt;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Azure IoT Hub shared access signatures made from a device's symmetric key, used as the MQTT password. The hub drops
 * the connection when the token expires; a new token is made for every connection attempt.
 */
final class AzureSas {

    private AzureSas() {
    }

    /**
     * @param host the hub's host name, e.g. {@code myhub.azure-devices.net}
     * @param deviceId the device id (the MQTT client id)
     * @param base64Key the device's primary or secondary key, as the portal shows it (Base64)
     * @param expiry when the token stops being accepted
     * @throws IllegalArgumentException if the key is not Base64, naming the fix
     */
    static String token(String host, String deviceId, String base64Key, Instant expiry) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Azure device key is not Base64: copy the device's primary key "
                    + "from the portal (Devices > your device > Primary key) as it is shown", e);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the Azure device key is empty: set the device's primary key");
        }
        String resource = URLEncoder.encode(host + "/devices/" + deviceId, StandardCharsets.UTF_8);
        long se = expiry.getEpochSecond();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((resource + "\n" + se).getBytes(StandardCharsets.UTF_8));
            return "SharedAccessSignature sr=" + resource + "&sig="
                    + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8) + "&se=" + se;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this Java runtime", e);
        }
    }
}
