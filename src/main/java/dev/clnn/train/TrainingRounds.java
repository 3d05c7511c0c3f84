package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.nn.Sequential;
import java.util.List;

/**
 * How the steps of a run are taken, for the one epoch loop ({@link EpochLoop}): in rounds of consecutive steps of an
 * epoch, between which the model is whole (evaluated, saved, written into a training state). In this process a round
 * is one step ({@link LocalRounds}: one device or several); on a cluster it is the K local steps between two
 * averagings.
 */
public interface TrainingRounds extends AutoCloseable {

    /** Told of each step of a round when it has ended, in step order. */
    @FunctionalInterface
    interface StepListener {
        /**
         * @param loss  the mean loss of the step's global batch
         * @param rows  the rows of that batch
         * @param lr    the learning rate the step used
         * @param nanos the step's wall time, device included (0 where steps are not timed apart)
         */
        void stepDone(float loss, int rows, float lr, long nanos);
    }

    /** The model the loop evaluates and saves: up to date after every {@link #run}. */
    Sequential model();

    /**
     * Every copy of the model in this process ({@link #model()} first), into which a training state's buffers are
     * written on resuming; a cluster's replicas take theirs from {@link #model()}.
     */
    default List<Sequential> models() {
        return List.of(model());
    }

    /** The backend {@link #model()} lives on. */
    Backend backend();

    /** Where the steps run, for the run's first line: a device name, a list of devices, a cluster. */
    String description();

    /**
     * Trains the next round: steps on the global batches {@code firstBatch}, {@code firstBatch + 1}, … (0-based, in
     * the seeded order of epoch {@code epoch}), at least one and at most {@code maxSteps}, telling {@code listener}
     * of each. An exception thrown by the listener ends the round there.
     *
     * @return the number of steps taken
     */
    int run(int epoch, int firstBatch, int maxSteps, StepListener listener);

    /** The number of steps taken in the whole run. */
    long stepCount();

    /** The optimiser's state for a training state: one buffer per parameter of {@link #model()}, null where none. */
    float[][] optimizerState();

    /** Continues a run: parameters (in {@link #model()}'s order), {@code steps} taken, the optimiser's state. */
    void restore(float[][] params, long steps, float[][] optimizerState);

    /** What the epoch line adds after its samples/s, starting with two spaces, or ""; counting starts again. */
    default String epochNote() {
        return "";
    }

    @Override
    void close();
}
