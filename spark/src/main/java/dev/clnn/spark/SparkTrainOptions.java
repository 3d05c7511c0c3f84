package dev.clnn.spark;

import dev.clnn.train.TrainOptions;
import java.nio.file.Path;

/**
 * {@code clnn-spark train}'s settings: those of {@code clnn train} ({@link TrainOptions}; its metrics and plot files
 * are not supported here) and the Spark ones.
 *
 * @param train         the model, data, epochs, global batch, SGD, schedule, seed, save file and quiet flag
 * @param localSteps    K, the SGD steps each replica takes between two averagings; 1 is exact data parallelism
 * @param partitions    replicas (one task each per round); 0 means the context's default parallelism
 * @param checkpointDir where the state is written after every epoch, or null for none
 * @param resume        start from the checkpoint in checkpointDir when there is one
 */
public record SparkTrainOptions(TrainOptions train, int localSteps, int partitions, Path checkpointDir,
        boolean resume) {
    public SparkTrainOptions {
        if (localSteps <= 0) {
            throw new IllegalArgumentException("--local-steps must be positive, got " + localSteps);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be ≥ 0, got " + partitions);
        }
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException("--resume needs --checkpoint-dir");
        }
        if (train.metrics() != null || train.plot() != null) {
            throw new IllegalArgumentException("clnn-spark writes no --metrics or --plot files");
        }
    }
}
