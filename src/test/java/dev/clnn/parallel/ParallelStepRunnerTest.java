package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.ModelSpec;
import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.train.StepOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clnn step --devices} on CPU replicas writes what {@code clnn step} on one device writes for the whole batch. */
class ParallelStepRunnerTest {
    private static final String MODEL = "linear(13,7),relu,linear(7,5)";

    @TempDir
    Path dir;

    @Test
    void severalReplicasWriteTheWholeBatchsResultsInOrder() {
        for (String loss : new String[] {"ce", "mse", "kl"}) {
            for (int n : new int[] {2, 3, 4}) {
                // 9 rows: shards 5/4, 3/3/3 and 3/2/2/2; the output and ∂L/∂x come back in row order.
                Path batch = batch(loss, 9, n);
                Path single = dir.resolve(loss + n + "-single.safetensors");
                Path parallel = dir.resolve(loss + n + "-parallel.safetensors");
                try (CpuBackend cpu = new CpuBackend()) {
                    ParallelStepRunner.run(List.of(cpu), options(loss, batch, 3, single));
                }
                ParallelStepRunner.run(cpus(n), options(loss, batch, 3, parallel));
                ParallelRuns.assertSameResults(Safetensors.read(single), Safetensors.read(parallel),
                        loss + " on " + n + " replicas");
            }
        }
    }

    private StepOptions options(String loss, Path batch, int steps, Path out) {
        return new StepOptions(ModelSpec.parse(MODEL), loss, null, batch, 0.1, 0.9f, true, 1e-2f, steps, 5, out,
                OptimizerKind.SGD, AdamSettings.DEFAULTS, 0f);
    }

    private Path batch(String loss, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * 13];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        TensorEntry y;
        if (loss.equals("ce")) {
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextInt(5);
            }
            y = TensorEntry.i64("y", new int[] {n}, labels);
        } else if (loss.equals("kl")) {
            y = TensorEntry.f32("y", new int[] {n, 5}, probabilities(random, n, 5));
        } else {
            float[] targets = new float[n * 5];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = (float) random.nextDouble(-1, 1);
            }
            y = TensorEntry.f32("y", new int[] {n, 5}, targets);
        }
        Path file = dir.resolve(loss + "-batch-" + seed + ".safetensors");
        Safetensors.write(file, List.of(TensorEntry.f32("x", new int[] {n, 13}, x), y), Map.of());
        return file;
    }

    /** One random distribution per row, normalised in double, with a zero entry in the first row. */
    private static float[] probabilities(SplittableRandom random, int n, int classes) {
        float[] p = new float[n * classes];
        for (int r = 0; r < n; r++) {
            double[] row = new double[classes];
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                row[j] = r == 0 && j == 1 ? 0 : random.nextDouble();
                sum += row[j];
            }
            for (int j = 0; j < classes; j++) {
                p[r * classes + j] = (float) (row[j] / sum);
            }
        }
        return p;
    }

    private static List<Backend> cpus(int n) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            backends.add(new CpuBackend());
        }
        return backends;
    }
}
