package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PahoStartupRaceTest {

    private static final String RACE = "no NetworkModule installed for scheme \"tcp\" of URI \"tcp://h:1883\"";

    @Test
    void theRaceIsRetriedUntilTheCallSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String r = PahoStartupRace.retry(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalArgumentException(RACE);
            }
            return "connected";
        });
        assertThat(r).isEqualTo("connected");
        assertThat(calls).hasValue(3);
    }

    @Test
    void anyOtherIllegalArgumentPassesAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> PahoStartupRace.retry(() -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("Invalid ClientId");
        })).hasMessage("Invalid ClientId");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aRaceThatPersistsEndsAfterTheBoundedAttempts() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> PahoStartupRace.retry(() -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException(RACE);
        })).hasMessage(RACE);
        assertThat(calls).hasValue(PahoStartupRace.ATTEMPTS);
    }
}
