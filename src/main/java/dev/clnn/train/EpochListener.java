package dev.clnn.train;

/**
 * Told of the end of every epoch a run trains, after its evaluation, where the epoch line is printed: the epoch's
 * train loss, its test {@link Evaluation}, the learning rate and the model as it is then. Register one with
 * {@link Trainer#onEpochEnd}. A listener runs on the training thread; what it throws ends the run. It may ask the run
 * to end after this epoch ({@link EpochEnd#stop}), as {@link EarlyStopping} does.
 */
@FunctionalInterface
public interface EpochListener {
    void epochEnded(EpochEnd end);
}
