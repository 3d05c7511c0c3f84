package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.TrainOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Shared by the data-parallel tests: K training steps on the same batches, and the comparisons of their results. */
public final class ParallelRuns {
    /**
     * Two runs of the same K steps that differ only in how each batch is split must agree to this, as
     * rel = ‖Δ_N − Δ_1‖₂ / ‖Δ_1‖₂ of the parameter change Δ = w_K − w_0 (and of each step's loss). Why: splitting
     * changes only the order and grouping of fp32 sums. A weight gradient sums B row terms; the sharded run sums
     * each shard, then Σ_r w_r·g_r, and the mean's 1/n_r·n_r/B adds two roundings. The error of a float sum of B
     * terms is at most about B·u·Σ|terms| (u = 2^-24 ≈ 6e-8), 64·6e-8 ≈ 4e-6 for the largest batch here, and
     * typically √B·u ≈ 5e-7; the losses differ by the same. Over K ≤ 4 steps of lr ≤ 0.1 the differences in the
     * weights feed into later gradients, growing them by at most a small factor per step. 1e-4 leaves 25× over the
     * worst case of one step, and stays 100× below what a wrong split gives (a row lost or counted twice in a
     * batch of 64 moves Δ by about 1/64 ≈ 1.6e-2, a wrong shard weight by up to 1). Seen: 7e-8 to 2e-7 on CPU
     * replicas, 5e-7 to 6e-7 on two POCL devices and on POCL beside the CPU reference.
     */
    public static final double SPLIT_TOLERANCE = 1e-4;

    /** The losses of each step and the parameters after the last, of rank 0, and every replica's parameters. */
    public record Result(float[] losses, Map<String, float[]> params, List<Map<String, float[]>> replicas) {
    }

    private ParallelRuns() {
    }

    /** Options for the test runs: SGD with momentum, Nesterov and weight decay, constant learning rate. */
    public static TrainOptions options(String model, int batch, long seed) {
        return new TrainOptions(ModelSpec.parse(model), null, 1, batch, 0.1, 0.9f, true, 1e-3f, "constant", 0, seed,
                null, null, null, true, true);
    }

    /** Random samples of {@code features} values in [-1, 1) with labels in [0, classes). */
    public static Dataset randomData(int n, int features, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(classes);
        }
        return new Dataset(x, y, n, new int[] {features}, classes);
    }

    /** {@code steps} steps on the shuffled batches of epoch 1, 2, … of {@code data}, on one replica per backend. */
    public static Result train(List<Backend> backends, TrainOptions o, Dataset data, int steps) {
        int[] sample = Models.inputShape(o.model(), data.sampleShape());
        float[] losses = new float[steps];
        try (DataParallelStep step = (DataParallelStep) DataParallelStep.factory(backends).open(o, sample,
                LrSchedule.constant(o.lr()))) {
            int done = 0;
            for (int epoch = 1; done < steps; epoch++) {
                BatchIterator batches = BatchIterator.shuffled(data, o.batch(), o.seed(), epoch);
                while (batches.hasNext() && done < steps) {
                    losses[done++] = step.step(batches.next());
                }
            }
            List<Map<String, float[]>> replicas = new ArrayList<>();
            List<Sequential> models = step.replicaModels();
            for (int r = 0; r < models.size(); r++) {
                replicas.add(values(models.get(r), backends.get(r)));
            }
            return new Result(losses, replicas.get(0), replicas);
        }
    }

    /** The parameters of a freshly built model: w_0 of every run with these options. */
    public static Map<String, float[]> initial(TrainOptions o) {
        try (CpuBackend cpu = new CpuBackend(); Sequential model = Models.build(cpu, o.model(), o.seed())) {
            return values(model, cpu);
        }
    }

    private static Map<String, float[]> values(Sequential model, Backend backend) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Param> e : model.namedParams().entrySet()) {
            values.put(e.getKey(), backend.readFloats(e.getValue().value()));
        }
        return values;
    }

    /** Fails unless {@code split} changed the parameters and the losses as {@code whole} did, within tolerance. */
    public static void assertSameTraining(Result whole, Result split, Map<String, float[]> initial, String what) {
        assertEquals(whole.params().keySet(), split.params().keySet(), what);
        for (String name : whole.params().keySet()) {
            float[] w0 = initial.get(name);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < w0.length; i++) {
                double d1 = (double) whole.params().get(name)[i] - w0[i];
                double dn = (double) split.params().get(name)[i] - w0[i];
                diff += (dn - d1) * (dn - d1);
                norm += d1 * d1;
            }
            double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
            if (!(rel <= SPLIT_TOLERANCE) || norm == 0) {
                fail(what + ": parameter " + name + " moved differently, rel " + rel + " (tolerance "
                        + SPLIT_TOLERANCE + "), |Δ| " + Math.sqrt(norm));
            }
        }
        for (int s = 0; s < whole.losses().length; s++) {
            double rel = Math.abs((double) split.losses()[s] - whole.losses()[s]) / Math.abs(whole.losses()[s]);
            if (!(rel <= SPLIT_TOLERANCE)) {
                fail(what + ": loss of step " + (s + 1) + " is " + split.losses()[s] + ", on one device "
                        + whole.losses()[s] + " (rel " + rel + ")");
            }
        }
    }

    /** Fails unless every replica holds exactly rank 0's parameters. */
    public static void assertReplicasEqual(Result result, String what) {
        for (int r = 1; r < result.replicas().size(); r++) {
            for (String name : result.params().keySet()) {
                assertArrayEquals(result.params().get(name), result.replicas().get(r).get(name),
                        what + ": replica " + r + " differs from replica 0 in " + name);
            }
        }
    }

    /** Each tensor within {@link #SPLIT_TOLERANCE}, as rel = ‖a − b‖₂ / ‖b‖₂ (see there for why). */
    public static void assertSameResults(SafetensorsFile expected, SafetensorsFile actual, String what) {
        assertEquals(expected.tensors().keySet(), actual.tensors().keySet(), what);
        for (Map.Entry<String, TensorEntry> e : expected.tensors().entrySet()) {
            float[] b = e.getValue().toFloats();
            float[] a = actual.tensors().get(e.getKey()).toFloats();
            assertArrayEquals(e.getValue().shape(), actual.tensors().get(e.getKey()).shape(), what);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < b.length; i++) {
                diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
                norm += (double) b[i] * b[i];
            }
            double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
            if (!(rel <= ParallelRuns.SPLIT_TOLERANCE)) {
                fail(what + ": " + e.getKey() + " differs from one device's, rel " + rel);
            }
        }
    }
}
