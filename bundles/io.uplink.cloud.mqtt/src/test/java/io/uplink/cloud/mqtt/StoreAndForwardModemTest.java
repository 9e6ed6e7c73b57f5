package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's first promise, all at once: 10,000 sequenced QoS 1 messages through the emulated BG95 (real dialect,
 * real AT channel, the emulator's sockets to a real mosquitto) while the modem's sockets drop at random and mosquitto
 * is restarted twice. A separate subscriber counts what arrived: nothing may be missing.
 */
class StoreAndForwardModemTest {

    private static final int COUNT = 10_000;
    /** About one drop per this many bytes carried by a socket: several drops over the run. */
    private static final int DROP_AFTER_BYTES = 40_000;

    @TempDir
    Path dir;

    @Test
    void tenThousandThroughTheModemWithRandomDropsAndTwoBrokerRestarts() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir)) {
            Set<Integer> received = ConcurrentHashMap.newKeySet();
            AtomicInteger deliveries = new AtomicInteger();
            MqttClient subscriber = subscriber(broker.port, received, deliveries);

            LinkModel link = new LinkModel(921_600, 5, 0, 0, 10 * 1024, 64 * 1024);
            VirtualSerialLine line = new VirtualSerialLine("emulated-bg95", link.baud());
            Bg95Emulator emulator = new Bg95Emulator(line.modemEnd(), link,
                    Faults.NONE.withCloseAfterBytes(DROP_AFTER_BYTES), "");
            SerialAtChannel at = new SerialAtChannel(line.gatewayEnd());
            Modem modem = null;
            try {
                ModemIdentity identity = ModemIdentification.identify(at);
                modem = new QuectelBg9xDialect().attach(at, identity, new ModemSettings("iot.emulated", "", "", "", 1,
                        Map.of("registration.timeout.s", "10")));
                Modem attached = modem;
                try (MqttCloudConnection c = new MqttCloudConnection(
                        StoreAndForwardMosquittoTest.settings("modem", broker.port), dir.resolve("modem.queue"),
                        attached::transport, () -> null, () -> null)) {
                    for (int i = 0; i < COUNT; i++) {
                        c.publish("seq/" + (i % 16), String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
                        if (i == COUNT * 3 / 10 || i == COUNT * 7 / 10) {
                            awaitDelivered(received, i / 2, 120); // restarts while messages flow, not before
                            broker.restart();
                        }
                    }
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
                    while (received.size() < COUNT && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    System.out.printf("10,000 QoS 1 messages through the emulated BG95, random socket drops (~1 per "
                            + "%,d bytes) and 2 broker restarts: %d received, %d deliveries (%d duplicates), %d still "
                            + "queued, %d reconnects%n", DROP_AFTER_BYTES, received.size(), deliveries.get(),
                            deliveries.get() - received.size(), c.queuedMessages(), c.connects() - 1);
                    assertThat(received).as("distinct sequence numbers received").hasSize(COUNT);
                    assertThat(deliveries.get() - received.size()).as("duplicates")
                            .isLessThanOrEqualTo(StoreAndForwardMosquittoTest.duplicateBound(c.connects() - 1, 2));
                }
            } finally {
                if (modem != null) {
                    modem.detach();
                }
                at.close();
                emulator.close();
                line.close();
                subscriber.disconnectForcibly();
                subscriber.close();
            }
        }
    }

    private static void awaitDelivered(Set<Integer> received, int atLeast, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (received.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static MqttClient subscriber(int port, Set<Integer> received, AtomicInteger deliveries) throws Exception {
        MqttClient s = new MqttClient("tcp://127.0.0.1:" + port, "counter-modem", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false); // the broker keeps what arrives while the counter reconnects after a restart
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(1000);
        s.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                deliveries.incrementAndGet();
                received.add(Integer.parseInt(new String(message.getPayload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        s.connect(o);
        s.subscribe("seq/#", 1);
        return s;
    }
}
