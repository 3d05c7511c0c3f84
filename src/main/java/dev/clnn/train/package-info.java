/**
 * Training: the one training step ({@link dev.clnn.train.ModelStep}: forward, loss, zero-grad, backward, optimiser
 * update, with the loss and the optimiser as parameters) and the one epoch loop ({@link dev.clnn.train.EpochLoop}
 * over {@link dev.clnn.train.TrainingRounds}: progress, epoch lines, evaluation, metrics, plot, training states),
 * which {@link dev.clnn.train.Trainer} runs in this process and the Spark driver on a cluster. The library's few-line
 * entry point is {@link dev.clnn.train.Trainer#fit}, with {@link dev.clnn.train.EpochListener}s and
 * {@link dev.clnn.train.EarlyStopping} hooked into that loop and a {@link dev.clnn.train.TrainedModel} to predict with
 * and save (docs/library.md). Depends on the neutral backend API, {@code nn}, {@code optim}, {@code model},
 * {@code data}, {@code checkpoint} and {@code plot}; never on a concrete backend (a profile of the steps comes in as a {@link dev.clnn.train.StepObserver}).
 */
package dev.clnn.train;
