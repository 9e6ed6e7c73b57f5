package io.uplink.credentials.store;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made by its factory on the first {@link #get()} and kept: the Bouncy Castle provider (2,000-odd algorithm
 * entries, 350 classes) and what is built on it cost a small gateway megabytes that a store without credentials,
 * never read, need not pay.
 * Thread-safe; the factory runs at most once unless it throws.
 */
final class OnFirstUse<T> implements Supplier<T> {

    private final Supplier<? extends T> factory;
    private volatile T value;

    OnFirstUse(Supplier<? extends T> factory) {
        this.factory = Objects.requireNonNull(factory);
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(factory.get());
                    value = v;
                }
            }
        }
        return v;
    }
}
