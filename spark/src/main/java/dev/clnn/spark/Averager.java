package dev.clnn.spark;

import java.util.List;
import java.util.function.Function;

/**
 * The driver's reduction of a round of K &gt; 1 local steps: the mean of the replicas' weights and momentum buffers,
 * each replica weighted by the rows it trained on, summed in partition order in double and rounded to float once.
 * (A round of one step sums the replicas' gradients instead and steps on the driver: {@link SparkRounds}.)
 *
 * <p>Why one averaged SGD step would equal one step on the whole batch. With n_p rows in shard p and N = Σ n_p, the shard's mean-loss
 * gradient is g_p and the batch's is g = Σ (n_p/N) g_p. clnn's {@code Sgd} (PyTorch's rule) maps the shared start
 * (w, b) and a gradient g to: d = g + λ·w; b' = d on the first update, else μ·b + (1 − τ)·d; w' = w − η·(d + μ·b')
 * with Nesterov, else w − η·b'. For fixed (w, b, η, μ, τ, λ) every line is affine in g, so (w', b') is an affine
 * function A(g) = c + L·g. Since the weights n_p/N sum to 1, Σ (n_p/N)·A(g_p) = c + L·Σ (n_p/N)·g_p = A(g): the
 * weighted mean of the replicas' weights and buffers is exactly the single-device update, in real arithmetic. What
 * remains is fp32 rounding: each g_p is summed over its own rows (a different order than over the whole batch) and
 * each replica rounds its own update before the mean. With K &gt; 1 the replicas' later gradients are taken at
 * different weights, so the mean is no longer the single-device run (local SGD).
 */
final class Averager {
    private Averager() {
    }

    /**
     * @param results every partition's result, in partition order
     * @throws IllegalStateException when no replica trained on any row
     */
    static ReplicaState average(List<ReplicaResult> results) {
        long total = 0;
        ReplicaState shape = null;
        for (ReplicaResult r : results) {
            total += r.rows();
            if (r.rows() > 0) {
                shape = r.state();
            }
        }
        if (shape == null) {
            throw new IllegalStateException("no partition trained on any row in this round (" + results.size()
                    + " results)");
        }
        double[] share = new double[results.size()];
        for (int i = 0; i < share.length; i++) {
            share[i] = (double) results.get(i).rows() / total;
        }
        float[][] weights = new float[shape.weights().length][];
        for (int k = 0; k < weights.length; k++) {
            int param = k;
            weights[k] = mean(results, share, r -> r.state().weights()[param]);
        }
        float[][] momentum = null;
        if (shape.momentum() != null) {
            momentum = new float[shape.momentum().length][];
            for (int k = 0; k < momentum.length; k++) {
                int param = k;
                momentum[k] = shape.momentum()[k] == null ? null
                        : mean(results, share, r -> r.state().momentum()[param]);
            }
        }
        ModelBuffers buffers = shape.buffers() == null ? null : ModelBuffers.average(results, r -> r.state().buffers());
        return new ReplicaState(weights, momentum, buffers);
    }

    private static float[] mean(List<ReplicaResult> results, double[] share,
            Function<ReplicaResult, float[]> part) {
        double[] sum = null;
        for (int i = 0; i < share.length; i++) {
            if (results.get(i).rows() == 0) {
                continue;
            }
            float[] values = part.apply(results.get(i));
            if (sum == null) {
                sum = new double[values.length];
            }
            for (int e = 0; e < values.length; e++) {
                sum[e] += share[i] * values[e];
            }
        }
        float[] out = new float[sum.length];
        for (int e = 0; e < out.length; e++) {
            out[e] = (float) sum[e];
        }
        return out;
    }
}
