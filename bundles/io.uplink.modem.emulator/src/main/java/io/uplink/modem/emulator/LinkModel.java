package io.uplink.modem.emulator;

/**
 * The emulated links: the serial line to the gateway and the cellular path to the internet.
 *
 * @param baud serial line rate (bits/s); 0 = unpaced
 * @param latencyMillis one-way cellular latency added to data in each direction (LTE-M: 50-150 ms typical)
 * @param bandwidthBytesPerSecond cellular throughput per direction, 0 = unlimited (LTE-M Cat M1: ~40-100 KB/s)
 * @param lossPercent cellular packet loss, 0-50; TCP hides it as a retransmission delay (one RTO) per lost chunk
 * @param sendBufferBytes the modem's send buffer per socket; QISEND gets SEND FAIL when it is full
 * @param receiveBufferBytes the modem's receive buffer per socket; the remote is slowed down when it is full
 */
public record LinkModel(int baud, int latencyMillis, int bandwidthBytesPerSecond, int lossPercent,
        int sendBufferBytes, int receiveBufferBytes) {

    /** The embedded default: 115200 baud, a mild LTE-M link. */
    public static final LinkModel DEFAULT = new LinkModel(115200, 50, 0, 0, 10 * 1024, 64 * 1024);

    /** No pacing, no latency: for functional tests that must be fast. */
    public static final LinkModel INSTANT = new LinkModel(0, 0, 0, 0, 10 * 1024, 64 * 1024);

    public LinkModel {
        if (baud < 0 || latencyMillis < 0 || bandwidthBytesPerSecond < 0 || lossPercent < 0 || lossPercent > 50
                || sendBufferBytes < 1460 || receiveBufferBytes < 1500) {
            throw new IllegalArgumentException("link model out of range: baud>=0, latency>=0, bandwidth>=0, "
                    + "loss 0-50 %, send buffer >= 1460, receive buffer >= 1500");
        }
    }

    public LinkModel withBaud(int value) {
        return new LinkModel(value, latencyMillis, bandwidthBytesPerSecond, lossPercent, sendBufferBytes,
                receiveBufferBytes);
    }
}
