package dev.clnn.spark;

import dev.clnn.optim.OptimizerKind;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.TrainOptions;

/**
 * {@code clnn-spark train}'s settings: those of {@code clnn train} ({@link TrainOptions}, {@link CheckpointOptions})
 * and the Spark ones.
 *
 * @param train       the model, data, epochs, global batch, optimiser, schedule, seed, outputs and quiet flag
 * @param checkpoints where and how often the training state is written, and whether the run resumes from it
 * @param localSteps  K, the steps each replica takes between two averagings; 1 is exact data parallelism
 * @param partitions  replicas (one task each per round); 0 means the context's default parallelism
 * @param sync        how the replicas synchronise: barrier segments or one job per round
 * @param shuffle     whether every epoch is laid out across the network in one device's order, or only the first
 */
public record SparkTrainOptions(TrainOptions train, CheckpointOptions checkpoints, int localSteps, int partitions,
        Sync sync, Shuffle shuffle) {

    /** Synchronised as {@link Sync#AUTO} picks, every epoch in one device's order. */
    public SparkTrainOptions(TrainOptions train, CheckpointOptions checkpoints, int localSteps, int partitions) {
        this(train, checkpoints, localSteps, partitions, Sync.AUTO, Shuffle.GLOBAL);
    }

    public SparkTrainOptions {
        if (localSteps <= 0) {
            throw new IllegalArgumentException("--local-steps must be positive, got " + localSteps);
        }
        if (localSteps > 1 && train.optimizerKind() != OptimizerKind.SGD) {
            // Averaging replicas' weights and moments after K local steps is exact only for one affine SGD step, and
            // each replica would restart Adam's bias correction every round.
            throw new IllegalArgumentException("--local-steps " + localSteps + " averages the replicas' weights,"
                    + " which only SGD allows; --optimizer " + train.optimizerKind().text() + " needs --local-steps 1,"
                    + " where the driver sums the gradients and takes the step");
        }
        if (sync == null || shuffle == null) {
            throw new IllegalArgumentException("a Spark run needs a sync and a shuffle mode");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be ≥ 0, got " + partitions);
        }
    }
}
