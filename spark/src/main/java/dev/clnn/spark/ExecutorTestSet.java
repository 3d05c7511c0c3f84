package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.data.Dataset;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import dev.clnn.train.LossKind;
import dev.clnn.train.RegressionMetrics;
import dev.clnn.train.TestSet;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * A test set kept on the executors and evaluated there: each evaluation is one Spark job that broadcasts the
 * model's weights and buffers (batch norm's running statistics); each partition runs the core's {@link Evaluator}
 * in evaluation mode on its executor's device over its rows and returns only sums (rows, loss × rows, correct rows;
 * for mse the squared and absolute errors and per output the squared residuals), which the driver adds in partition
 * order into the {@link Evaluation} the core computes: the same figures up to the order of the double sums and of
 * the per-batch float loss means, as the partitions' batches are not the driver's.
 */
final class ExecutorTestSet implements TestSet, AutoCloseable {
    private final JavaSparkContext spark;
    private final JavaRDD<Sample> rows;
    private final String model;
    private final int n;
    private final int outputs;
    private final double[] total; // per output Σ (target − mean)², mse only

    /**
     * Counts the rows (and for mse sums what R² needs of the targets) and keeps them on the executors.
     *
     * @param rows    the test samples, each with what {@code loss} compares with
     * @param model   the run's model spec text, which each executor builds once and loads the weights into
     * @param outputs the classes (ce, kl) or targets per row (mse)
     * @throws IllegalArgumentException when there are no rows
     */
    ExecutorTestSet(JavaSparkContext spark, JavaRDD<Sample> rows, LossKind loss, String model, int outputs) {
        this.spark = spark;
        this.rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
        this.model = model;
        this.outputs = outputs;
        if (loss != LossKind.MSE) {
            this.n = Math.toIntExact(this.rows.count());
            this.total = null;
        } else {
            double[] sums = this.rows.map(s -> withCount(s.targets())).fold(new double[outputs + 1],
                    ExecutorTestSet::add);
            this.n = Math.toIntExact((long) sums[outputs]);
            double[] mean = new double[outputs];
            for (int o = 0; o < outputs; o++) {
                mean[o] = sums[o] / n;
            }
            // Two passes, as RegressionMetrics: deviations from the mean, not E[t²] − E[t]².
            this.total = this.rows.map(s -> squaredDeviations(s.targets(), mean)).fold(new double[outputs],
                    ExecutorTestSet::add);
        }
        if (n == 0) {
            throw new IllegalArgumentException("the test set has no rows");
        }
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public Evaluation evaluate(Sequential net, Backend backend, int[] inputShape, int batchSize, LossKind loss) {
        List<Param> params = net.params();
        float[][] weights = new float[params.size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = backend.readFloats(params.get(i).value());
        }
        Broadcast<ReplicaState> state = spark.broadcast(new ReplicaState(weights, null, ModelBuffers.of(net)));
        String spec = model;
        String lossText = loss.text();
        int width = outputs;
        int[] shape = inputShape.clone();
        List<Part> parts;
        try {
            parts = rows.mapPartitions(samples -> List.of(Part.of(samples, state.value(), spec, shape, batchSize,
                    LossKind.parse(lossText), width)).iterator()).collect();
        } finally {
            state.destroy();
        }
        Part sum = new Part(0, 0, 0, 0, 0, new double[loss == LossKind.MSE ? outputs : 0]);
        for (Part p : parts) {
            sum = sum.plus(p);
        }
        double mean = sum.lossSum / n;
        if (loss != LossKind.MSE) {
            return new Evaluation(mean, Math.toIntExact(sum.correct), n);
        }
        return new Evaluation(mean, 0, n, RegressionMetrics.fromSums(sum.squared, sum.absolute, sum.residual, total,
                n));
    }

    /** The rows, as the executors hold them. */
    JavaRDD<Sample> samples() {
        return rows;
    }

    /** Lets the executors drop the rows. */
    @Override
    public void close() {
        rows.unpersist(false);
    }

    private static double[] withCount(float[] t) {
        double[] out = new double[t.length + 1];
        for (int o = 0; o < t.length; o++) {
            out[o] = t[o];
        }
        out[t.length] = 1;
        return out;
    }

    private static double[] squaredDeviations(float[] t, double[] mean) {
        double[] out = new double[t.length];
        for (int o = 0; o < t.length; o++) {
            double d = t[o] - mean[o];
            out[o] = d * d;
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /**
     * One partition's sums: rows, Σ batch loss × batch rows, correct rows (ce, kl), and for mse Σ e², Σ |e| over
     * every element and Σ e² per output, e = prediction − target in double.
     */
    record Part(long rows, double lossSum, long correct, double squared, double absolute, double[] residual)
            implements Serializable {

        Part plus(Part o) {
            double[] r = residual.clone();
            for (int i = 0; i < r.length; i++) {
                r[i] += o.residual[i];
            }
            return new Part(rows + o.rows, lossSum + o.lossSum, correct + o.correct, squared + o.squared,
                    absolute + o.absolute, r);
        }

        /** Evaluates the partition's samples with the broadcast state on this executor's device. */
        static Part of(Iterator<Sample> samples, ReplicaState state, String spec, int[] inputShape, int batchSize,
                LossKind loss, int outputs) {
            List<Sample> list = new ArrayList<>();
            samples.forEachRemaining(list::add);
            int width = loss == LossKind.MSE ? outputs : 0;
            if (list.isEmpty()) {
                return new Part(0, 0, 0, 0, 0, new double[width]);
            }
            Dataset data = dataset(list, inputShape, loss, outputs);
            EvaluationModels.Held held = EvaluationModels.take(spec);
            Evaluator.Sums sums;
            try {
                List<Param> params = held.model().params();
                for (int i = 0; i < params.size(); i++) {
                    held.backend().write(params.get(i).value(), state.weights()[i]);
                }
                state.buffers().writeInto(held.model());
                sums = Evaluator.sums(held.backend(), held.model(), data, inputShape, batchSize, loss);
            } catch (RuntimeException e) {
                held.close();
                throw e;
            }
            EvaluationModels.give(held);
            if (sums.predicted() == null) {
                return new Part(list.size(), sums.lossSum(), sums.correct(), 0, 0, new double[0]);
            }
            float[] predicted = sums.predicted();
            float[] targets = data.targets();
            double squared = 0;
            double absolute = 0;
            double[] residual = new double[width];
            for (int i = 0; i < targets.length; i++) {
                double e = (double) predicted[i] - targets[i];
                squared += e * e;
                absolute += Math.abs(e);
                residual[i % width] += e * e;
            }
            return new Part(list.size(), sums.lossSum(), 0, squared, absolute, residual);
        }

        private static Dataset dataset(List<Sample> list, int[] inputShape, LossKind loss, int outputs) {
            int rows = list.size();
            int f = list.get(0).features().length;
            float[] x = new float[rows * f];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(list.get(r).features(), 0, x, r * f, f);
            }
            if (!loss.floatTargets()) {
                int[] y = new int[rows];
                for (int r = 0; r < rows; r++) {
                    y[r] = list.get(r).label();
                }
                return new Dataset(x, y, rows, inputShape, outputs);
            }
            float[] t = new float[rows * outputs];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(list.get(r).targets(), 0, t, r * outputs, outputs);
            }
            return loss == LossKind.KL ? Dataset.softTargets(x, t, rows, inputShape, outputs)
                    : Dataset.regression(x, t, rows, inputShape, outputs);
        }
    }
}
