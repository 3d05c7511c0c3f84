package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Dataset;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.Standardization;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model {@link Trainer#fit} trained, on its device: the final weights (the best epoch's, when early stopping
 * restored them), what its run measured, and what it needs to take raw inputs (the run's {@link Standardization}) and
 * to be saved as {@code clnn train --save} saves it. Closing it releases the model, and the backend too when the
 * trainer opened that backend from a device name; a backend the caller passed stays open, to be closed by the
 * caller after this model.
 */
public final class TrainedModel implements AutoCloseable {
    /** Rows per forward pass of {@link #predict}: as many as evaluation takes at least. */
    private static final int BATCH = 256;

    private final Backend backend;
    private final boolean ownsBackend;
    private final Sequential model;
    private final ModelSpec spec;
    private final int[] sampleShape;
    private final LossKind loss;
    private final Standardization standardization;
    private final Map<String, String> metadata;
    private final Map<String, float[]> tensors;
    private final TrainingHistory history;
    private final Evaluation evaluation;

    TrainedModel(Backend backend, boolean ownsBackend, TrainOptions options, int[] sampleShape, float[][] params,
            List<TensorEntry> buffers, EpochLoop.Data data, TrainingHistory history, Evaluation evaluation) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.spec = options.model();
        this.sampleShape = sampleShape.clone();
        this.loss = options.loss();
        this.model = Models.build(backend, spec, options.seed()).eval(); // for predictions only
        List<Param> ps = model.params();
        for (int i = 0; i < ps.size(); i++) {
            backend.write(ps.get(i).value(), params[i]);
        }
        Checkpoint.loadBuffers(BestEpoch.byName(buffers), model);
        this.tensors = Map.copyOf(data.tensors());
        this.standardization = tensors.containsKey(Standardization.MEAN) ? Standardization.fromTensors(tensors) : null;
        this.metadata = Map.copyOf(EpochLoop.savedMetadata(options, data));
        this.history = history;
        this.evaluation = evaluation;
    }

    /** The network, on {@link #backend()}; it closes with this model. */
    public Sequential model() {
        return model;
    }

    public Backend backend() {
        return backend;
    }

    public LossKind loss() {
        return loss;
    }

    /** The standardization {@link #predict} applies to raw rows (the run's data had one), or null. */
    public Standardization standardization() {
        return standardization;
    }

    /** Every epoch's train loss and test figures, and every step's loss and learning rate. */
    public TrainingHistory history() {
        return history;
    }

    /** The test set's figures for these weights: the run's final evaluation. */
    public Evaluation evaluation() {
        return evaluation;
    }

    /** The class names the data named (a CSV's label values), by class index; empty when it named none. */
    public List<String> classNames() {
        List<String> names = ModelMetadata.names(metadata, ModelMetadata.CLASSES);
        return names == null ? List.of() : names;
    }

    /**
     * The model's outputs for raw rows of features (standardized first when the run standardized its data): the
     * softmax probabilities of the classes for a classifier (ce, kl), the outputs as they are for a regressor (mse).
     *
     * @param rows each row the features of one sample, as many as a sample of the training data has
     * @return one row of outputs per input row
     * @throws IllegalArgumentException naming the first row of the wrong width
     */
    public float[][] predict(float[][] rows) {
        float[][] out = outputs(rows);
        if (loss.classifies()) {
            for (float[] row : out) {
                softmax(row);
            }
        }
        return out;
    }

    /**
     * As {@link #predict(float[][])} for the samples of {@code data} taken as they are, not standardized again (a
     * {@link TrainingData}'s sets are standardized already): row-major, {@code data.n()} rows of outputs, the shape
     * {@link dev.clnn.data.Dataset#softTargets} takes, e.g. to distil this model into another.
     */
    public float[] predict(Dataset data) {
        float[][] out = outputs(data.x(), data.n());
        int width = out.length == 0 ? 0 : out[0].length;
        float[] flat = new float[data.n() * width];
        for (int r = 0; r < out.length; r++) {
            if (loss.classifies()) {
                softmax(out[r]);
            }
            System.arraycopy(out[r], 0, flat, r * width, width);
        }
        return flat;
    }

    /**
     * The figures of these weights on {@code data}, samples taken as they are: with the run's loss, except that a
     * classifier is measured with ce on a set of plain class labels (a kl student on the true labels, say).
     */
    public Evaluation evaluate(Dataset data) {
        LossKind measure = loss.classifies() && data.targets() == null ? LossKind.CE : loss;
        return Evaluator.evaluate(backend, model, data, sampleShape, BATCH, measure);
    }

    /**
     * The arg-max class of each raw row (the first on ties), as the accuracy of {@link Evaluator} counts it.
     *
     * @throws IllegalStateException for a regressor, which has no classes
     */
    public int[] predictClasses(float[][] rows) {
        if (!loss.classifies()) {
            throw new IllegalStateException("an " + loss.text() + " model is a regressor and has no classes; use"
                    + " predict");
        }
        float[][] out = outputs(rows);
        int[] classes = new int[out.length];
        for (int r = 0; r < out.length; r++) {
            classes[r] = ClassScores.argMax(out[r], 0, out[r].length);
        }
        return classes;
    }

    /**
     * Writes the weights as {@code clnn train --save} does: safetensors under PyTorch state-dict names, the run's
     * metadata ({@link ModelMetadata} keys, the model spec) and standardization tensors, so {@code clnn predict} and
     * {@code clnn eval} read it.
     */
    public void save(Path file) {
        Checkpoint.save(file, model, backend, metadata, tensors);
    }

    /** The raw outputs (logits of a classifier) of raw rows, standardized first when the run was. */
    private float[][] outputs(float[][] rows) {
        int features = features();
        float[] x = new float[rows.length * features];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != features) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " features; the model"
                        + " takes " + features + " (a sample of shape " + Arrays.toString(sampleShape) + ")");
            }
            System.arraycopy(rows[r], 0, x, r * features, features);
        }
        return outputs(standardization == null ? x : standardization.apply(x), rows.length);
    }

    private int features() {
        int features = 1;
        for (int d : sampleShape) {
            features *= d;
        }
        return features;
    }

    /** The raw outputs of {@code rows} samples in {@code x} as they are, batch by batch. */
    private float[][] outputs(float[] x, int rows) {
        int features = features();
        if (x.length != rows * features) {
            throw new IllegalArgumentException("the samples have " + x.length / Math.max(rows, 1) + " values each;"
                    + " the model takes " + features + " (a sample of shape " + Arrays.toString(sampleShape) + ")");
        }
        float[][] out = new float[rows][];
        for (int start = 0; start < rows; start += BATCH) {
            int n = Math.min(BATCH, rows - start);
            float[] y;
            try (Tensor input = backend.fromArray(Arrays.copyOfRange(x, start * features, (start + n) * features),
                    Models.batchShape(n, sampleShape))) {
                y = backend.readFloats(model.forward(input));
            }
            int width = y.length / n;
            for (int r = 0; r < n; r++) {
                out[start + r] = Arrays.copyOfRange(y, r * width, (r + 1) * width);
            }
        }
        return out;
    }

    /** The row's softmax, in place. */
    private static void softmax(float[] row) {
        double[] p = ClassScores.softmax(row, 0, row.length);
        for (int k = 0; k < row.length; k++) {
            row[k] = (float) p[k];
        }
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            if (ownsBackend) {
                backend.close();
            }
        }
    }
}
