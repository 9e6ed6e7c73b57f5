package io.uplink.modem;

import java.util.List;
import java.util.Objects;

/**
 * What provisioning did, part by part.
 *
 * @since 1.2
 */
public final class ProvisioningReport {

    /** What happened to one part. */
    public enum Outcome {
        /** Sent to the modem and verified by reading back what it stored. */
        UPLOADED,
        /** Already stored, identical: nothing was sent. */
        UNCHANGED
    }

    /**
     * @param kind the part
     * @param location where the modem keeps it
     * @param bytes its size
     * @param outcome uploaded or unchanged
     * @param verification how the stored content was checked, in plain words (e.g. "read back 1,204 bytes, identical;
     *        checksum 3f1a as computed")
     */
    public record Item(CredentialKind kind, String location, long bytes, Outcome outcome, String verification) {
        public Item {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(outcome, "outcome");
            verification = verification == null ? "" : verification;
        }
    }

    private final String name;
    private final List<Item> items;
    private final long bytesSent;

    /**
     * @param name the set's name
     * @param items one per part provisioned
     * @param bytesSent credential bytes written to the modem (0 when everything was unchanged)
     */
    public ProvisioningReport(String name, List<Item> items, long bytesSent) {
        this.name = Objects.requireNonNull(name, "name");
        this.items = List.copyOf(items);
        this.bytesSent = bytesSent;
    }

    public String name() {
        return name;
    }

    public List<Item> items() {
        return items;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** {@code true} when nothing had to be sent. */
    public boolean unchanged() {
        return items.stream().allMatch(i -> i.outcome() == Outcome.UNCHANGED);
    }

    @Override
    public String toString() {
        return "ProvisioningReport[" + name + ", " + items + ", " + bytesSent + " bytes sent]";
    }
}
