package io.uplink.ota.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The cap's pacing decisions, on a clock that moves only when the cap sleeps or the test says so. */
class BandwidthCapTest {

    private long now = 5_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    private BandwidthCap cap(long bytesPerSecond) {
        return new BandwidthCap(bytesPerSecond, () -> now, n -> {
            sleeps.add(n);
            now += n;
        });
    }

    @Test
    void readsArePacedToTheRate() throws Exception {
        BandwidthCap cap = cap(1024);
        for (int i = 0; i < 10; i++) {
            cap.acquire(512);
        }
        // 5120 bytes at 1024 B/s: 5 s in all, half a second after each read
        assertThat(sleeps).hasSize(10).allSatisfy(n -> assertThat(n).isEqualTo(500_000_000L));
        assertThat(sleeps.stream().mapToLong(Long::longValue).sum()).isEqualTo(5_000_000_000L);
    }

    @Test
    void aSlowLinkIsNotSlowedFurther() throws Exception {
        BandwidthCap cap = cap(1000);
        cap.acquire(100);
        now += 200_000_000L; // the link took longer than the cap for the next 100 bytes
        cap.acquire(100);
        assertThat(sleeps).containsExactly(100_000_000L); // only the first was early
    }

    @Test
    void afterAStallAtMostOneSecondOfBytesComesAtFullSpeed() throws Exception {
        BandwidthCap cap = cap(1000);
        cap.acquire(1000);
        sleeps.clear();
        now += 30_000_000_000L; // a link drop of 30 s
        cap.acquire(1000); // within the one-second burst
        assertThat(sleeps).isEmpty();
        cap.acquire(1000); // past it: paced again, not 30 s of backlog at full speed
        cap.acquire(1000);
        assertThat(sleeps).containsExactly(1_000_000_000L, 1_000_000_000L);
    }

    @Test
    void noCapNeverSleepsAndReadsWholeBuffers() throws Exception {
        BandwidthCap cap = cap(0);
        cap.acquire(1_000_000);
        assertThat(sleeps).isEmpty();
        assertThat(cap.chunk(16384)).isEqualTo(16384);
        assertThat(cap(1024).chunk(16384)).isEqualTo(512);
        assertThat(cap(64 * 1024).chunk(16384)).isEqualTo(8192);
    }
}
