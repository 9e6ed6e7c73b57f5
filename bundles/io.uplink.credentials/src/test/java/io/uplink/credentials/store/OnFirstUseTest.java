package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class OnFirstUseTest {

    @Test
    void makesTheValueOnceOnFirstGet() {
        AtomicInteger made = new AtomicInteger();
        OnFirstUse<Object> value = new OnFirstUse<>(() -> {
            made.incrementAndGet();
            return new Object();
        });
        assertThat(made).hasValue(0);
        Object first = value.get();
        assertThat(value.get()).isSameAs(first);
        assertThat(made).hasValue(1);
    }

    @Test
    void concurrentFirstGetsShareOneValue() throws Exception {
        AtomicInteger made = new AtomicInteger();
        OnFirstUse<Object> value = new OnFirstUse<>(() -> {
            made.incrementAndGet();
            return new Object();
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Object> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(value.get());
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(made).hasValue(1);
        assertThat(seen).hasSize(8).allSatisfy(o -> assertThat(o).isSameAs(seen.get(0)));
    }

    @Test
    void aFailedFactoryIsTriedAgain() {
        AtomicInteger calls = new AtomicInteger();
        OnFirstUse<String> value = new OnFirstUse<>(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("not yet");
            }
            return "made";
        });
        assertThatThrownBy(value::get).hasMessage("not yet");
        assertThat(value.get()).isEqualTo("made");
    }
}
