package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The cellular delay line charges latency per flight: records sent back to back share one latency. */
class DelayLineTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final LinkModel link = new LinkModel(0, 100, 0, 0, 10 * 1024, 64 * 1024);
    private final DelayLine line = new DelayLine(link, new Random(1), new Object(), 64 * 1024, now::get);

    @Test
    void aFlightOfRecordsArrivesTogetherAfterOneLatency() throws Exception {
        for (int i = 0; i < 5; i++) {
            line.put(new byte[300], 0, 300); // five records of one flight, written at the same moment
        }
        assertThat(line.nanosToNext()).isEqualTo(100 * MS);
        now.addAndGet(99 * MS);
        assertThat(line.pollDue()).isEmpty();
        now.addAndGet(1 * MS);
        assertThat(line.pollDue()).hasSize(1500);
        assertThat(line.nanosToNext()).isEqualTo(-1);
    }

    @Test
    void theNextFlightPaysItsOwnLatencyFromWhenItWasSent() throws Exception {
        line.put(new byte[10], 0, 10);
        now.addAndGet(100 * MS);
        assertThat(line.pollDue()).hasSize(10);
        now.addAndGet(50 * MS); // the peer answered: a new flight
        line.put(new byte[20], 0, 20);
        assertThat(line.nanosToNext()).isEqualTo(100 * MS);
    }

    @Test
    void bytesStayInOrderAndBandwidthAddsSerialisationTime() throws Exception {
        DelayLine slow = new DelayLine(new LinkModel(0, 100, 1000, 0, 10 * 1024, 64 * 1024), new Random(1),
                new Object(), 64 * 1024, now::get);
        slow.put(new byte[100], 0, 100); // 100 ms at 1000 bytes/s
        slow.put(new byte[100], 0, 100);
        now.addAndGet(200 * MS);
        assertThat(slow.pollDue()).hasSize(100);
        now.addAndGet(100 * MS);
        assertThat(slow.pollDue()).hasSize(100);
    }

    @Test
    void closedLinesDeliverWhatIsOnTheWayThenEnd() throws Exception {
        line.put(new byte[3], 0, 3);
        line.close();
        assertThat(line.drained()).isFalse();
        now.addAndGet(100 * MS);
        assertThat(line.take()).hasSize(3);
        assertThat(line.take()).isNull();
        assertThat(line.drained()).isTrue();
    }
}
