package dev.clnn.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * For tests of recovery: makes the first {@code attempts} attempts of one partition's task in one round fail after it
 * has trained (so its replica's state is dirty), as a lost executor would; with more attempts than Spark allows (or,
 * in barrier segments, than the driver makes), the job and so the driver's run fail. {@link #NONE} never fails.
 */
record FaultInjection(int partition, long firstStep, int attempts) implements Serializable {
    static final FaultInjection NONE = new FaultInjection(-1, -1, 0);

    /** After a round of jobs: the attempt is Spark's retry of the task. */
    void afterTraining(int taskPartition, Round round) {
        TaskContext task = TaskContext.get();
        afterRound(taskPartition, round.firstStep(), task == null ? Integer.MAX_VALUE : task.attemptNumber());
    }

    /** After a round in a barrier segment: the attempt is the driver's try of the segment. */
    void afterRound(int taskPartition, long roundFirstStep, int attempt) {
        if (taskPartition == partition && roundFirstStep == firstStep && attempt < attempts) {
            throw new IllegalStateException("injected failure of partition " + partition + " in the round starting"
                    + " at step " + firstStep + " (attempt " + attempt + ")");
        }
    }
}
