package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Paho's way of starting its threads, played without Paho: submit under the task's lifecycle lock, then check
 * whether it runs and sleep between checks. The executor must wake the starter once the task runs, and only then.
 */
class CommsExecutorTest {

    /** A stand-in for Paho's CommsReceiver: says it runs once it holds its lock, then runs until stopped. */
    public static final class PahoLikeTask implements Runnable {
        private final Object lifecycle = new Object();
        private final CountDownLatch stop = new CountDownLatch(1);
        private boolean running;

        @Override
        public void run() {
            synchronized (lifecycle) {
                running = true;
            }
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public boolean isRunning() {
            synchronized (lifecycle) {
                return running;
            }
        }
    }

    /** What the starter saw: how many of its long sleeps ran out, and whether one was cut short. */
    private record Start(int fullSleeps, boolean woken) {
    }

    /** Paho's start(): submit under the lock, then poll; the sleep here is long so that a missed wake-up shows. */
    private static Start start(CommsExecutor executor, PahoLikeTask task) {
        synchronized (task.lifecycle) {
            executor.submit(task);
        }
        int full = 0;
        boolean woken = false;
        while (!task.isRunning()) {
            try {
                Thread.sleep(10_000);
                full++;
            } catch (InterruptedException e) {
                woken = true;
            }
        }
        return new Start(full, woken);
    }

    @Test
    void wakesPahosConnectThreadAsSoonAsTheStartedThreadRuns() throws Exception {
        CommsExecutor executor = new CommsExecutor("test");
        try {
            PahoLikeTask receiver = new PahoLikeTask();
            PahoLikeTask sender = new PahoLikeTask();
            CompletableFuture<Start[]> starts = new CompletableFuture<>();
            executor.execute(() -> starts.complete(new Start[] { start(executor, receiver), start(executor,
                    sender) }));
            Start[] s = starts.get(60, TimeUnit.SECONDS);
            for (Start one : s) {
                assertThat(one.fullSleeps()).as("sleeps that ran out").isZero();
            }
            receiver.stop.countDown();
            sender.stop.countDown();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void neverInterruptsAThreadOfItsCaller() throws Exception {
        CommsExecutor executor = new CommsExecutor("test");
        try {
            PahoLikeTask task = new PahoLikeTask();
            synchronized (task.lifecycle) {
                executor.submit(task);
            }
            while (!task.isRunning()) {
                Thread.sleep(1);
            }
            Thread.sleep(50); // where a stray wake-up would land
            assertThat(Thread.interrupted()).isFalse();
            task.stop.countDown();
        } finally {
            executor.shutdownNow();
        }
    }
}
