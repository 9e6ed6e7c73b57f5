package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.uplink.cloud.ConnectionState;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconnect backoff holds while applications keep publishing. */
class ReconnectBackoffTest {

    /** A transport whose every connect fails, counting the attempts. */
    private static final class Refusing implements Transport {
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
            attempts.incrementAndGet();
            throw new TransportException(TransportException.Reason.UNREACHABLE, "no network (test)", "none");
        }

        @Override
        public String describe() {
            return "refusing test transport";
        }

        @Override
        public int maxConnections() {
            return 1;
        }
    }

    @Test
    void publishingDoesNotDefeatTheBackoff(@TempDir Path dir) throws Exception {
        Refusing transport = new Refusing();
        try (MqttCloudConnection c = new MqttCloudConnection(StoreAndForwardMosquittoTest.settings("backoff", 1883),
                dir.resolve("q"), () -> transport, () -> null, null)) {
            // 200 publishes over about 2 s, each of which wakes the worker to drain
            for (int i = 0; i < 200; i++) {
                c.publish("t/backoff", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                Thread.sleep(10);
            }
            // backoff caps of 1 s, 2 s, 4 s...: a handful of attempts, not one per publish
            assertThat(transport.attempts.get()).isBetween(1, 8);
            assertThat(c.state()).isEqualTo(ConnectionState.WAITING_TO_RETRY);
            assertThat(c.queuedMessages()).isEqualTo(200);

        }
    }

    /**
     * Waiting for a modem's transport is normal at start: said once at INFO, not as a WARN at every attempt; a real
     * failure after it is a WARN again.
     */
    @Test
    void aMissingTransportIsSaidOnceNotWarnedAtEveryAttempt(@TempDir Path dir) throws Exception {
        java.util.concurrent.atomic.AtomicReference<Transport> current =
                new java.util.concurrent.atomic.AtomicReference<>();
        AtomicInteger lookups = new AtomicInteger();
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8)); // slf4j-simple writes here
        try (MqttCloudConnection c = new MqttCloudConnection(StoreAndForwardMosquittoTest.settings("waiting", 1883),
                dir.resolve("q"), () -> {
                    lookups.incrementAndGet(); // once per attempt
                    return current.get();
                }, () -> null, null)) {
            for (int i = 0; i < 4; i++) {
                awaitAttempts(c, () -> c.lastProblem().contains("is not running"));
                c.retryNow();
                Thread.sleep(100);
            }
            assertThat(lookups.get()).as("attempts without a transport").isGreaterThanOrEqualTo(3);
            Refusing refusing = new Refusing();
            current.set(refusing);
            c.retryNow();
            awaitAttempts(c, () -> refusing.attempts.get() > 0 && c.lastProblem().contains("no network"));
            Thread.sleep(200);
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log.split("waits for its transport", -1)).as(log).hasSize(2);
        assertThat(log).doesNotContain("WARN io.uplink.cloud.mqtt.MqttCloudConnection - Endpoint 'waiting': the "
                + "transport configured");
        assertThat(log).contains("WARN").contains("no network (test)");
    }

    private static void awaitAttempts(MqttCloudConnection c, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(done.getAsBoolean()).as("last problem: " + c.lastProblem()).isTrue();
    }
}
