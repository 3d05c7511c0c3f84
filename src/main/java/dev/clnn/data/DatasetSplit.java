package dev.clnn.data;

import java.util.Objects;

/**
 * A training set and the held-out test set that goes with it.
 *
 * @param train samples to fit on
 * @param test  samples to evaluate on, never trained on
 */
public record DatasetSplit(Dataset train, Dataset test) {
    public DatasetSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }
}
