package dev.clnn.train;

import dev.clnn.checkpoint.StateDirectory;
import java.nio.file.Path;

/**
 * Where a run keeps its training state and how often, and whether it continues from the newest state there.
 *
 * @param dir        the state folder ({@code --checkpoint-dir}, or the one of {@code --resume}), or null for none
 * @param everySteps also write a state every this many optimiser steps; 0 for epoch ends only
 * @param keep       how many of the newest states to keep, ≥ 1
 * @param resume     continue from the newest intact state in {@code dir} rather than from the start
 */
public record CheckpointOptions(Path dir, long everySteps, int keep, boolean resume) {
    /** States kept when not told otherwise: enough to survive one damaged file and an unlucky kill. */
    public static final int DEFAULT_KEEP = 3;

    public CheckpointOptions {
        if (everySteps < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be ≥ 0 steps, got " + everySteps);
        }
        if (keep < 1) {
            throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
        }
        if ((everySteps > 0 || resume) && dir == null) {
            throw new IllegalArgumentException(resume ? "resuming needs the folder of the training state"
                    : "--checkpoint-every needs --checkpoint-dir");
        }
    }

    /**
     * These options, resuming only where {@link #dir} holds a state already: a job that is submitted again as it is
     * (always with its resume folder) starts afresh the first time.
     */
    public CheckpointOptions resumingOnlyFromAState() {
        return resume && new StateDirectory(dir, keep).states().isEmpty()
                ? new CheckpointOptions(dir, everySteps, keep, false) : this;
    }

    /** No states written, none read. */
    public static CheckpointOptions none() {
        return new CheckpointOptions(null, 0, DEFAULT_KEEP, false);
    }
}
