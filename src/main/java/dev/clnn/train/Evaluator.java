package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.nn.Loss;
import dev.clnn.nn.Sequential;

/**
 * Runs a model in evaluation mode over a data set in order and reports its mean loss with the figures of that loss (accuracy, or the
 * regression metrics), as {@link Evaluation} defines them.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /** A classifier's evaluation with the softmax cross-entropy. */
    public static Evaluation evaluate(Backend backend, Sequential model, Dataset data, int[] sampleShape,
            int batchSize) {
        return evaluate(backend, model, data, sampleShape, batchSize, LossKind.CE);
    }

    /**
     * The mean {@code loss} of the model over {@code data} (batches of {@code batchSize} in data-set order), with its
     * accuracy (ce, kl: against the labels, for kl each row's arg-max) or regression metrics (mse).
     */
    public static Evaluation evaluate(Backend backend, Sequential model, Dataset data, int[] sampleShape,
            int batchSize, LossKind loss) {
        Sums sums = sums(backend, model, data, sampleShape, batchSize, loss);
        double mean = data.n() == 0 ? 0 : sums.lossSum() / data.n();
        if (sums.predicted() == null) {
            return new Evaluation(mean, sums.correct(), data.n());
        }
        return new Evaluation(mean, 0, data.n(), data.n() == 0
                ? new RegressionMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                : RegressionMetrics.of(sums.predicted(), data.targets(), data.targetWidth()));
    }

    /**
     * What an evaluation adds up over its rows, from which {@link #evaluate} takes its figures and which parts of a
     * test set evaluated apart (on Spark's executors) add together.
     *
     * @param lossSum   Σ over batches of the batch's mean loss × its rows, in double
     * @param correct   rows whose arg-max output is their class (ce, kl); 0 for mse
     * @param predicted the model's outputs, rows × target width row-major, for mse; null for ce and kl
     */
    public record Sums(double lossSum, int correct, float[] predicted) {
    }

    /**
     * Runs the model in evaluation mode over {@code data} (batches of {@code batchSize} in data-set order) and adds
     * up its {@link Sums}; the model's mode is as it was afterwards.
     */
    public static Sums sums(Backend backend, Sequential model, Dataset data, int[] sampleShape, int batchSize,
            LossKind loss) {
        loss.requireFits(data, "the test set");
        double lossSum = 0;
        int correct = 0;
        float[] predicted = loss.classifies() ? null : new float[data.n() * data.targetWidth()];
        boolean wasTraining = model.isTraining();
        model.eval(); // dropout off, batch norm on its running statistics; the caller's mode comes back after
        try (BatchUploader uploader = new BatchUploader(backend, sampleShape);
                Loss objective = loss.factory().create(backend);
                Tensor count = backend.empty(DType.I32, 1)) {
            BatchIterator batches = BatchIterator.sequential(data, batchSize);
            int row = 0;
            while (batches.hasNext()) {
                Batch batch = batches.next();
                BatchUploader.DeviceBatch b = uploader.upload(batch);
                Tensor output = model.forward(b.x());
                Tensor value = objective.forward(output, b.target(loss));
                if (predicted == null) {
                    backend.countCorrect(count, output, b.labels(), batch.rows(), output.dim(1));
                    correct += backend.readInts(count)[0];
                } else {
                    float[] out = backend.readFloats(output);
                    System.arraycopy(out, 0, predicted, row * data.targetWidth(), out.length);
                }
                lossSum += (double) backend.readFloats(value)[0] * batch.rows();
                row += batch.rows();
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return new Sums(lossSum, correct, predicted);
    }
}
