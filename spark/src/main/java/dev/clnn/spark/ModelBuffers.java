package dev.clnn.spark;

import dev.clnn.nn.Sequential;
import dev.clnn.nn.StateBuffer;
import java.io.Serializable;
import java.util.List;
import java.util.function.Function;

/**
 * A model's buffers (batch norm's running statistics and num_batches_tracked) as they travel between the driver and
 * the replicas, in {@code namedBuffers()} order: the tensors' values, and the counts. A model without buffers has
 * empty arrays, which cost nothing.
 *
 * @param values each tensor buffer's values, null at a count's place
 * @param counts each count, 0 at a tensor's place
 */
record ModelBuffers(float[][] values, long[] counts) implements Serializable {

    /** The buffers of {@code model}, read from its backend. */
    static ModelBuffers of(Sequential model) {
        List<StateBuffer> buffers = List.copyOf(model.namedBuffers().values());
        float[][] values = new float[buffers.size()][];
        long[] counts = new long[buffers.size()];
        for (int i = 0; i < values.length; i++) {
            StateBuffer b = buffers.get(i);
            if (b.isCount()) {
                counts[i] = b.count();
            } else {
                values[i] = b.readFloats();
            }
        }
        return new ModelBuffers(values, counts);
    }

    /** Writes these values into {@code model}'s buffers. */
    void writeInto(Sequential model) {
        List<StateBuffer> buffers = List.copyOf(model.namedBuffers().values());
        for (int i = 0; i < buffers.size(); i++) {
            StateBuffer b = buffers.get(i);
            if (b.isCount()) {
                b.setCount(counts[i]);
            } else {
                b.write(values[i]);
            }
        }
    }

    /**
     * The rule of {@code clnn train --devices} for the replicas' buffers after a step: each tensor the mean over the
     * replicas that had rows, summed in partition order in double; each count the first such replica's (partition 0
     * always has rows, as rank 0 does).
     *
     * @param results every partition's result in partition order; those without rows are skipped
     * @param buffers where a result's buffers are
     */
    static ModelBuffers average(List<ReplicaResult> results, Function<ReplicaResult, ModelBuffers> buffers) {
        ModelBuffers first = null;
        double[][] sums = null;
        int used = 0;
        for (ReplicaResult r : results) {
            if (r.rows() == 0) {
                continue;
            }
            ModelBuffers b = buffers.apply(r);
            if (first == null) {
                first = b;
                sums = new double[b.values.length][];
            }
            for (int i = 0; i < b.values.length; i++) {
                if (b.values[i] == null) {
                    continue;
                }
                if (sums[i] == null) {
                    sums[i] = new double[b.values[i].length];
                }
                for (int e = 0; e < sums[i].length; e++) {
                    sums[i][e] += b.values[i][e];
                }
            }
            used++;
        }
        if (first == null) {
            throw new IllegalStateException("no partition had rows in this round");
        }
        float[][] mean = new float[sums.length][];
        for (int i = 0; i < sums.length; i++) {
            if (sums[i] == null) {
                continue;
            }
            mean[i] = new float[sums[i].length];
            for (int e = 0; e < mean[i].length; e++) {
                mean[i][e] = (float) (sums[i][e] / used);
            }
        }
        return new ModelBuffers(mean, first.counts.clone());
    }
}
