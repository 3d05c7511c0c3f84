package dev.clnn.parallel;

import static dev.clnn.check.Tolerances.DATA_PARALLEL_SPLIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.Tolerances;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared by the data-parallel tests: K training steps on the same batches, and the comparisons of their results. */
public final class ParallelRuns {
    /** The losses of each step and the parameters after the last, of rank 0, and every replica's parameters. */
    public record Result(float[] losses, Map<String, float[]> params, List<Map<String, float[]>> replicas) {
    }

    private ParallelRuns() {
    }

    /** Options for the test runs: SGD with momentum, Nesterov and weight decay, constant learning rate. */
    public static TrainOptions options(String model, int batch, long seed) {
        return TrainOptions.builder().model(model).epochs(1).batch(batch).sgd(0.1, 0.9f).nesterov(true)
                .weightDecay(1e-3f).schedule("constant").seed(seed).quiet(true).build();
    }

    /** {@code steps} steps on the shuffled batches of epoch 1, 2, … of {@code data}, on one replica per backend. */
    public static Result train(List<Backend> backends, TrainOptions o, Dataset data, int steps) {
        return train(DataParallelStep.factory(backends), backends, o, data, steps);
    }

    /** As {@link #train(List, TrainOptions, Dataset, int)} with the steps {@code factory} opens. */
    static Result train(TrainingStep.Factory factory, List<Backend> backends, TrainOptions o, Dataset data,
            int steps) {
        int[] sample = Models.inputShape(o.model(), data.sampleShape());
        float[] losses = new float[steps];
        try (DataParallelStep step = (DataParallelStep) factory.open(o, sample, LrSchedule.constant(o.lr()))) {
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
            if (!(rel <= DATA_PARALLEL_SPLIT) || norm == 0) {
                fail(what + ": parameter " + name + " moved differently, rel " + rel + " (tolerance "
                        + DATA_PARALLEL_SPLIT + "), |Δ| " + Math.sqrt(norm));
            }
        }
        for (int s = 0; s < whole.losses().length; s++) {
            double rel = Math.abs((double) split.losses()[s] - whole.losses()[s]) / Math.abs(whole.losses()[s]);
            if (!(rel <= DATA_PARALLEL_SPLIT)) {
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

    /** Each tensor within {@link Tolerances#DATA_PARALLEL_SPLIT}, as rel = ‖a − b‖₂ / ‖b‖₂ (see there for why). */
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
            if (!(rel <= DATA_PARALLEL_SPLIT)) {
                fail(what + ": " + e.getKey() + " differs from one device's, rel " + rel);
            }
        }
    }
}
