package dev.clnn.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * For tests of recovery: makes the first {@code attempts} attempts of one partition's task in one round fail after it
 * has trained (so its replica's state is dirty), as a lost executor would; with more attempts than Spark allows, the
 * job and so the driver's run fail. {@link #NONE} never fails.
 */
record FaultInjection(int partition, long firstStep, int attempts) implements Serializable {
    static final FaultInjection NONE = new FaultInjection(-1, -1, 0);

    void afterTraining(int taskPartition, Round round) {
        TaskContext task = TaskContext.get();
        if (taskPartition == partition && round.firstStep() == firstStep && task != null
                && task.attemptNumber() < attempts) {
            throw new IllegalStateException("injected failure of partition " + partition + " in the round starting"
                    + " at step " + firstStep + " (attempt " + task.attemptNumber() + ")");
        }
    }
}
