package dev.clnn.checkpoint;

/**
 * Where a run stands between two optimiser steps.
 *
 * @param epoch        the epoch in progress, 1-based; a state written after an epoch's evaluation names the next epoch
 *                     with no batches done
 * @param batchesDone  batches of that epoch already trained, in the seeded order of (seed, epoch)
 * @param steps        optimiser steps taken in the whole run (the schedule's t of the next step)
 * @param epochLossSum Σ batch loss × batch rows over the batches done of this epoch, for the epoch's mean loss
 * @param epochSeen    samples of this epoch trained so far
 */
public record TrainingPosition(int epoch, int batchesDone, long steps, double epochLossSum, int epochSeen) {
    public TrainingPosition {
        if (epoch < 1 || batchesDone < 0 || steps < 0 || epochSeen < 0) {
            throw new IllegalArgumentException("not a training position: epoch " + epoch + ", batches done "
                    + batchesDone + ", steps " + steps + ", samples seen " + epochSeen);
        }
    }
}
