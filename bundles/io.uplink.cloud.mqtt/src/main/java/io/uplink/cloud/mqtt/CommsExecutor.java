package io.uplink.cloud.mqtt;

import java.lang.reflect.Method;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one Paho client (its connect, receiver, sender and callback threads, and the MQTT 5 client's pings),
 * handed to Paho so that a connection does not wait on Paho's start-up polling.
 *
 * <p>Why: Paho (1.2.1 to 1.2.5, v3 and v5) starts its receiver, sender and callback one after the other from its
 * connect thread. For each it submits the task while holding the task's lifecycle lock (which the task needs before
 * it can say it runs), then checks whether it runs and otherwise sleeps 100 ms before checking again. The first check
 * practically always fails, so CONNECT left 300 ms after the TCP (or TLS) connection was up: measured 300-360 ms on
 * every connection and reconnect. Here, once a submitted task says it runs ({@code isRunning()}), the connect thread
 * is woken from that sleep with an interrupt, which Paho's loop catches and follows with its next check.
 *
 * <p>The interrupt is sent only to a thread of this executor (Paho's connect thread; never a caller's thread) that is
 * in a timed wait at that moment, which on that thread between two starts is only that sleep. Should it land just
 * after the sleep ended, it is taken by the next start's sleep, or stays on a pool thread whose flag the pool clears
 * before its next task: Paho's connect thread does no other interruptible wait between starting its threads and
 * handing CONNECT to its sender. Tasks without {@code isRunning()} are submitted as usual.
 *
 * <p>One executor per client, shut down when the client is closed; daemon threads named after the endpoint.
 */
final class CommsExecutor extends ScheduledThreadPoolExecutor {

    /** How long a started task may take to say it runs before the connect thread is left to Paho's own polling. */
    private static final long START_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final ClassValue<Method> IS_RUNNING = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method m = type.getMethod("isRunning");
                return m.getReturnType() == boolean.class ? m : null;
            } catch (NoSuchMethodException | SecurityException e) {
                return null;
            }
        }
    };

    private final java.util.Set<Thread> own = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param name the endpoint's name, used in the threads' names */
    CommsExecutor(String name) {
        // Paho runs at most a connect (or disconnect), receiver, sender and callback thread and a ping at once.
        super(6);
        setThreadFactory(threads(name));
        setRemoveOnCancelPolicy(true);
    }

    private ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    own.remove(Thread.currentThread());
                }
            }, "uplink-paho-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            own.add(t);
            return t;
        };
    }

    @Override
    public Future<?> submit(Runnable task) {
        Future<?> f = super.submit(task);
        Method isRunning = IS_RUNNING.get(task.getClass());
        Thread starter = Thread.currentThread();
        if (isRunning != null && own.contains(starter)) {
            wakeWhenRunning(task, isRunning, starter, System.nanoTime() + START_WAIT_NANOS);
        }
        return f;
    }

    /** Checks every 0.2 ms, on a pool thread, whether the task runs; then wakes its starter from Paho's sleep. */
    private void wakeWhenRunning(Runnable task, Method isRunning, Thread starter, long deadline) {
        try {
            schedule(() -> {
                if (running(task, isRunning)) {
                    if (starter.getState() == Thread.State.TIMED_WAITING) {
                        starter.interrupt();
                    }
                } else if (System.nanoTime() < deadline) {
                    wakeWhenRunning(task, isRunning, starter, deadline);
                }
            }, 200, TimeUnit.MICROSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down meanwhile: nothing to wake
        }
    }

    private static boolean running(Runnable task, Method isRunning) {
        try {
            return (Boolean) isRunning.invoke(task);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // cannot tell: leave the waiting to Paho, as without this executor
        }
    }
}
