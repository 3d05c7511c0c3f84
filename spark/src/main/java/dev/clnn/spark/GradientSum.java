package dev.clnn.spark;

import java.util.List;

/**
 * The K = 1 step's gradient from the partitions' results: g = Σ_p w_p·g_p over the partitions with rows, in partition
 * order and in float (w_p = shard rows / batch rows, first assigned, then added), as {@code clnn train --devices}
 * sums its replicas'. The driver computes it in a round of jobs, every task in a barrier stage: the same code in the
 * same order, so the same bits.
 */
final class GradientSum {
    private GradientSum() {
    }

    /**
     * @param results every partition's result of one step, in partition order; those without rows carry no gradients
     * @throws IllegalStateException when no partition had a row of the batch
     */
    static float[][] of(List<ReplicaResult> results) {
        int batchRows = 0;
        float[][] shape = null;
        for (ReplicaResult r : results) {
            batchRows += r.rows();
            if (r.rows() > 0) {
                shape = r.gradients();
            }
        }
        if (shape == null) {
            throw new IllegalStateException("no partition had a row of this batch (" + results.size() + " results)");
        }
        float[][] sums = new float[shape.length][];
        for (int i = 0; i < sums.length; i++) {
            float[] sum = null;
            for (ReplicaResult r : results) {
                if (r.rows() == 0) {
                    continue;
                }
                float w = (float) ((double) r.rows() / batchRows);
                float[] g = r.gradients()[i];
                if (sum == null) {
                    sum = new float[g.length];
                    for (int e = 0; e < g.length; e++) {
                        sum[e] = w * g[e];
                    }
                } else {
                    for (int e = 0; e < g.length; e++) {
                        sum[e] += w * g[e];
                    }
                }
            }
            sums[i] = sum;
        }
        return sums;
    }
}
