package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.profile.Profile;
import dev.clnn.backend.profile.ProfileTable;
import dev.clnn.backend.profile.ProfiledBackend;
import dev.clnn.train.StepObserver;
import java.util.List;

/**
 * {@code --profile}: the profile of a run's training steps when the trainer's backend is a {@link ProfiledBackend};
 * does nothing otherwise. Evaluation and set-up are left out ({@link #otherWorkDone}), and so is the first step,
 * which builds the kernels, unless it is the only one.
 */
final class StepProfile implements StepObserver {
    private final ProfiledBackend backend; // null: not profiled
    private Profile first;
    private long firstNanos;
    private Profile rest = Profile.empty();
    private long restNanos;
    private long restSteps;

    private final String device;

    StepProfile(Backend backend) {
        this.backend = backend instanceof ProfiledBackend p ? p : null;
        this.device = backend.name();
    }

    /** Drops what the backend measured since the last step (set-up, evaluation). */
    @Override
    public void otherWorkDone() {
        if (backend != null) {
            backend.takeProfile();
        }
    }

    /** Ends a step that took {@code nanos} of wall time, having waited for the device. */
    @Override
    public void stepDone(long nanos) {
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
    @Override
    public List<String> report() {
        if (first == null) {
            return List.of();
        }
        return restSteps > 0 ? ProfileTable.lines(rest, restSteps, restNanos, device)
                : ProfileTable.lines(first, 1, firstNanos, device);
    }
}
