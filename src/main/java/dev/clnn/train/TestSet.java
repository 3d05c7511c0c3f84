package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.data.Dataset;
import dev.clnn.nn.Sequential;

/**
 * The test set of a run as the epoch loop sees it: how many rows it has and how to evaluate a model on it after each
 * epoch. {@link #of(Dataset)} holds the rows in this process and runs them on the rounds' device ({@link Evaluator});
 * another implementation may run them elsewhere (on Spark's executors) and bring back only the figures.
 */
public interface TestSet {
    /** The rows evaluated. */
    int rows();

    /**
     * The model's {@link Evaluation} on these rows, in evaluation mode; the model's mode is as it was afterwards.
     *
     * @param backend    the device the model lives on
     * @param inputShape one model input's shape
     * @param batchSize  rows per forward pass where batches matter
     */
    Evaluation evaluate(Sequential model, Backend backend, int[] inputShape, int batchSize, LossKind loss);

    /** Rows in this process, evaluated on the model's own device by {@link Evaluator}. */
    static TestSet of(Dataset data) {
        return new TestSet() {
            @Override
            public int rows() {
                return data.n();
            }

            @Override
            public Evaluation evaluate(Sequential model, Backend backend, int[] inputShape, int batchSize,
                    LossKind loss) {
                return Evaluator.evaluate(backend, model, data, inputShape, batchSize, loss);
            }
        };
    }
}
