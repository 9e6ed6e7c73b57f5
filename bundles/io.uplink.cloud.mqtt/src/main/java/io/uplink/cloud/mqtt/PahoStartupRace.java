package io.uplink.cloud.mqtt;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paho mqttv3 1.2.1 (Kura's) walks one shared {@code ServiceLoader} of network modules without a lock (Paho issue
 * 572, fixed in 1.2.2). When two clients in the framework are created or connect at the same moment, as Kura's own
 * cloud service and an Uplink endpoint do at start-up, one of them is refused with "no NetworkModule installed for
 * scheme tcp" although the module is there; the next call succeeds. This retries exactly that refusal, quietly, a
 * bounded number of times; every other error passes through at once.
 */
final class PahoStartupRace {

    static final int ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(PahoStartupRace.class);
    private static final String MESSAGE = "no NetworkModule installed for scheme";

    /** A Paho call that can hit the race. */
    interface Call<T> {
        T run() throws MqttException;
    }

    private PahoStartupRace() {
    }

    /**
     * Runs the call, again after a short pause while it hits the race, at most {@link #ATTEMPTS} times.
     *
     * @throws IllegalArgumentException the race's own error after the last attempt, or any other at once
     */
    static <T> T retry(Call<T> call) throws MqttException {
        for (int attempt = 1;; attempt++) {
            try {
                return call.run();
            } catch (IllegalArgumentException e) {
                if (!isRace(e) || attempt >= ATTEMPTS) {
                    throw e;
                }
                LOG.debug("Paho 1.2.1 start-up race (\"{}\"), attempt {} of {}: retrying", e.getMessage(), attempt,
                        ATTEMPTS);
                try {
                    Thread.sleep(5L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static boolean isRace(IllegalArgumentException e) {
        return e.getMessage() != null && e.getMessage().startsWith(MESSAGE);
    }
}
