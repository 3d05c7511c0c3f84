package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.profile.Profile;
import dev.clnn.backend.profile.ProfileTable;
import dev.clnn.backend.profile.ProfiledBackend;
import java.util.List;

/**
 * The profile of a run's training steps when the trainer's backend is a {@link ProfiledBackend}; does nothing
 * otherwise. Evaluation and set-up are left out ({@link #discard}), and so is the first step, which builds the
 * kernels, unless it is the only one.
 */
final class StepProfile {
    private final ProfiledBackend backend; // null: not profiled
    private Profile first;
    private long firstNanos;
    private Profile rest = Profile.empty();
    private long restNanos;
    private long restSteps;

    StepProfile(Backend backend) {
        this.backend = backend instanceof ProfiledBackend p ? p : null;
    }

    /** Drops what the backend measured since the last step (set-up, evaluation). */
    void discard() {
        if (backend != null) {
            backend.takeProfile();
        }
    }

    /** Ends a step that took {@code nanos} of wall time, having waited for the device. */
    void stepDone(long nanos) {
        if (backend == null) {
            return;
        }
        Profile step = backend.takeProfile();
        if (first == null) {
            first = step;
            firstNanos = nanos;
        } else {
            rest = rest.plus(step);
            restNanos += nanos;
            restSteps++;
        }
    }

    /** The table of the profiled steps; empty when not profiled or no step ran. */
    List<String> lines(String device) {
        if (first == null) {
            return List.of();
        }
        return restSteps > 0 ? ProfileTable.lines(rest, restSteps, restNanos, device)
                : ProfileTable.lines(first, 1, firstNanos, device);
    }
}
