package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.data.Batch;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import java.util.List;

/**
 * A training step of the {@link Trainer} on a whole batch in this process: on one device ({@link SingleDeviceStep})
 * or on several replicas ({@code dev.clnn.parallel.DataParallelStep}), each running {@link ModelStep}. The trainer
 * draws the batches ({@link LocalRounds}), evaluates and saves {@link #model()}; the step owns the models, the
 * losses and the optimisers, and closing it releases them.
 */
public interface TrainingStep extends AutoCloseable {

    /** Opens the step for a run: builds the model(s) from {@code options.model()} and {@code options.seed()}. */
    interface Factory {
        TrainingStep open(TrainOptions options, int[] sampleShape, LrSchedule schedule);
    }

    /** The model the trainer evaluates and saves (with several replicas, the first, equal to every other). */
    Sequential model();

    /** Every replica's model, {@link #model()} first (one for a single device). */
    default List<Sequential> models() {
        return List.of(model());
    }

    /** The backend {@link #model()} lives on. */
    Backend backend();

    /** Where the step runs, for the run's first line: a device name, or the list of devices. */
    String description();

    /**
     * Trains on every row of {@code batch}: the gradient of the batch's mean loss, then one optimiser update at rate
     * {@link #currentLr()}. Waits for the device(s) and returns the batch's mean loss.
     */
    float step(Batch batch);

    /** The learning rate of the next {@link #step}. */
    float currentLr();

    /** The number of steps taken. */
    long stepCount();

    /**
     * The optimiser's state ({@link dev.clnn.optim.Optimizer#state}), read from the device, one buffer per parameter
     * of {@link #model()} in order; null where a parameter has none yet. For a training state.
     */
    float[][] optimizerState();

    /**
     * Continues a run from a training state: every replica's parameters (in {@link #model()}'s order) and optimiser
     * state (null where none) set, and {@code steps} steps counted as taken.
     */
    void restore(float[][] params, long steps, float[][] optimizerState);

    /**
     * What the epoch line adds after its samples/s for the epoch that just ended, starting with two spaces, or ""
     * (one device); counting starts again for the next epoch.
     */
    default String epochNote() {
        return "";
    }

    @Override
    void close();
}
