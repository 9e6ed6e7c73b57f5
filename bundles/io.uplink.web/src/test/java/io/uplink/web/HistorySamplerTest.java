package io.uplink.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.QueueStatus;
import io.uplink.modem.Modem;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.SignalQuality;

/** The sampler between the live services and the history: what it reads, how often it asks a modem, what it saves. */
class HistorySamplerTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_780_000_000_000L);
    private final AtomicInteger signalQuestions = new AtomicInteger();
    private volatile ConnectionState state = ConnectionState.CONNECTED;
    private final AtomicLong accepted = new AtomicLong();

    @Test
    void readsConnectionsEverySampleButAsksTheModemForItsSignalOnceAMinute() throws Exception {
        LinkHistory history = new LinkHistory();
        HistoryFile file = new HistoryFile(dir.resolve("web/history"));
        HistorySampler sampler = new HistorySampler(history, file, () -> List.of(connection()),
                () -> List.of(new HistorySampler.TrackedModem("io.uplink.modem~lte", modem())), clock::get);
        for (int second = 0; second < 120; second++) {
            if (second == 30) {
                state = ConnectionState.WAITING_TO_RETRY;
            } else if (second == 33) {
                state = ConnectionState.CONNECTED;
            }
            accepted.incrementAndGet();
            sampler.sample();
            clock.addAndGet(1000);
        }
        assertThat(signalQuestions.get()).as("AT+CSQ costs the modem's channel: once a minute").isBetween(2, 3);
        LinkHistory.Contents c = history.contents();
        assertThat(c.transitions().get("lte")).hasSize(2);
        assertThat(c.endpointMinutes().get("lte").stream().mapToInt(LinkHistory.EndpointMinute::reconnects).sum())
                .isEqualTo(1);
        assertThat(c.endpointMinutes().get("lte").stream().mapToLong(LinkHistory.EndpointMinute::messages).sum())
                .as("messages accepted while sampled").isEqualTo(119);
        LinkHistory.ModemMinute last = c.modemMinutes().get("io.uplink.modem~lte").get(1);
        assertThat(last.signal()).isEqualTo(17);
        assertThat(last.rsrp()).isEqualTo(-95);
        assertThat(last.rat()).isEqualTo("eMTC");
        assertThat(last.operator()).isEqualTo("Uplink Test Net");
        assertThat(last.rsrq()).isEqualTo(-11);
        assertThat(last.sinr()).isEqualTo(6);
        assertThat(c.endpointMinutes().get("lte").stream().mapToLong(LinkHistory.EndpointMinute::sent).sum())
                .as("bytes sent while sampled (the first sample is the baseline)").isEqualTo(119 * 100);

        // start() restores, stop() writes: the day survives the component's restart.
        sampler.start();
        sampler.stop();
        assertThat(Files.readString(file.path())).contains("M io.uplink.modem%7Elte ").contains(" -95 eMTC");
        LinkHistory again = new LinkHistory();
        HistorySampler restarted = new HistorySampler(again, file, List::of, List::of, () -> clock.get() + 60_000);
        restarted.start();
        restarted.stop();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) again.snapshot(clock.get() + 60_000)
                .get("endpoints");
        assertThat(endpoints.get(0).get("reconnects")).isEqualTo(1);
    }

    private CloudConnection connection() {
        return (CloudConnection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { CloudConnection.class }, (p, m, a) -> switch (m.getName()) {
                case "endpointId" -> "lte";
                case "state" -> state;
                case "lastProblem" -> state == ConnectionState.CONNECTED ? "" : "connection lost: keep-alive timeout";
                case "queuedMessages" -> 2;
                case "queueStatus" -> Optional.of(new QueueStatus("sync", 0, accepted.get(), 0, 0, ""));
                case "traffic" -> Optional.of(new io.uplink.cloud.Traffic(accepted.get() * 100, accepted.get() * 10,
                        io.uplink.cloud.Traffic.TCP));
                default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private Modem modem() {
        return (Modem) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Modem.class },
                (p, m, a) -> switch (m.getName()) {
                case "registration" -> RegistrationState.HOME;
                case "networkOperator" -> Optional.of("Uplink Test Net");
                case "signalQuality" -> {
                    signalQuestions.incrementAndGet();
                    yield Optional.of(new SignalQuality(17, -95, -11, 6, "eMTC"));
                }
                default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
