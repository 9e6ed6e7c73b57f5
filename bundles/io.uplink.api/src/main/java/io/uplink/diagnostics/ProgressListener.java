package io.uplink.diagnostics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears each finding as the ladder is walked.
 *
 * @since 1.0
 */
@ConsumerType
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = finding -> { };

    void rungCompleted(Finding finding);
}
