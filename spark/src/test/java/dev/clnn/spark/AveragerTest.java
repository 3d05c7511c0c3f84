package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.nn.Param;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The identity behind K = 1 ({@link Averager}'s comment) on clnn's real {@link Sgd}: replicas that start from the same
 * weights and momentum and step with their shard gradients g_p, averaged with weights n_p/N, equal one step with
 * g = Σ (n_p/N)·g_p; for a first update (buffer = gradient) and a later one, with momentum, Nesterov and weight
 * decay.
 */
class AveragerTest {
    private static final int SIZE = 37;
    /**
     * Each side rounds differently: the replicas round their own updates to fp32 and the mean is rounded once more,
     * while the single step rounds the weighted gradient. Per element that is a few ulps of values of order 1, so
     * |Δ| ≤ 1e-6 with margin; a wrong weighting or a missed momentum term is off by ~1e-2.
     */
    private static final double TOLERANCE = 1e-6;
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void weightedMeanOfShardStepsIsTheStepOnTheWholeBatch() {
        SplittableRandom random = new SplittableRandom(7);
        float[] w = random(random);
        int[] rows = {17, 16, 0, 31}; // an empty shard too, as when a batch has fewer rows than partitions
        float[][] shardGrad = new float[rows.length][];
        for (int p = 0; p < rows.length; p++) {
            shardGrad[p] = random(random);
        }
        float[] momentum = null;
        for (int step = 0; step < 2; step++) { // the first update starts the buffer, the second uses it
            float[] whole = new float[SIZE];
            ReplicaResult[] results = new ReplicaResult[rows.length];
            for (int p = 0; p < rows.length; p++) {
                for (int e = 0; e < SIZE; e++) {
                    whole[e] += (float) rows[p] / 64 * shardGrad[p][e];
                }
                results[p] = rows[p] == 0 ? new ReplicaResult(p, new int[] {0}, new double[1], null, "cpu")
                        : new ReplicaResult(p, new int[] {rows[p]}, new double[1],
                                sgdStep(w, momentum, shardGrad[p]), "cpu");
            }
            ReplicaState single = sgdStep(w, momentum, whole);
            ReplicaState mean = Averager.average(List.of(results));
            assertClose(single.weights()[0], mean.weights()[0], "weights after step " + step);
            assertClose(single.momentum()[0], mean.momentum()[0], "momentum after step " + step);
            w = single.weights()[0];
            momentum = single.momentum()[0];
        }
    }

    private ReplicaState sgdStep(float[] w, float[] momentum, float[] grad) {
        try (Param p = new Param(cpu, "weight", cpu.fromArray(w, SIZE));
                Sgd sgd = new Sgd(cpu, List.of(p), LrSchedule.constant(0.05), 0.9f, 0f, 0.01f, true)) {
            if (momentum != null) {
                sgd.loadState(new float[][] {momentum});
            }
            cpu.write(p.grad(), grad);
            sgd.step();
            return new ReplicaState(new float[][] {cpu.readFloats(p.value())}, sgd.state());
        }
    }

    private static float[] random(SplittableRandom random) {
        float[] v = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE, what + ", element " + i);
        }
    }
}
