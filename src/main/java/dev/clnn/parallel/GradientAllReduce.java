package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.nn.Param;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums the replicas' parameter gradients through the host: every replica's gradient becomes
 * g = Σ_r w_r · g_r over the non-empty shards r in rank order, w_r = shard rows / batch rows, so g is the gradient
 * of the whole batch's mean loss. Three phases, each on all device threads at once: read each gradient to the host,
 * sum (each thread a slice of every parameter, each element summed in rank order, so the result does not depend on
 * the threads' timing or on the slicing), write the sum back to every replica. The host arrays are allocated once:
 * a fresh 4 MB array per read made the JVM collect garbage every few steps, while other device threads' reads held
 * the collector off (JOCL pins the array during a blocking read), and doubled the all-reduce's time.
 */
final class GradientAllReduce {
    /** Elements per block of the sum: 16 KB of floats, well within a core's L1 or L2 cache. */
    private static final int BLOCK = 4096;

    private final List<Backend> backends;
    private final List<List<Param>> params; // [rank][parameter], every replica's parameters in model order
    private final float[][][] grads; // [rank][parameter][element]: host copies of each replica's gradients
    private final float[][] sum; // [parameter][element]

    GradientAllReduce(List<Backend> backends, List<List<Param>> params) {
        this.backends = List.copyOf(backends);
        this.params = new ArrayList<>(params);
        List<Param> first = params.get(0);
        for (int r = 1; r < params.size(); r++) {
            if (params.get(r).size() != first.size()) {
                throw new IllegalArgumentException("replica " + r + " has " + params.get(r).size()
                        + " parameters, replica 0 has " + first.size());
            }
        }
        this.grads = new float[params.size()][first.size()][];
        this.sum = new float[first.size()][];
        for (int p = 0; p < first.size(); p++) {
            sum[p] = new float[first.get(p).size()];
            for (int r = 0; r < params.size(); r++) {
                if (params.get(r).get(p).size() != sum[p].length) {
                    throw new IllegalArgumentException("parameter " + p + " has " + params.get(r).get(p).size()
                            + " elements on replica " + r + " but " + sum[p].length + " on replica 0");
                }
                grads[r][p] = new float[sum[p].length];
            }
        }
    }

    /** The number of gradient elements per replica. */
    long elements() {
        long n = 0;
        for (float[] s : sum) {
            n += s.length;
        }
        return n;
    }

    /**
     * Replaces every replica's gradients with their weighted sum over {@code shards}, which must be the shards of
     * the step that produced them (empty shards contribute nothing and are not read).
     *
     * @param step the step's number, for error messages
     */
    void run(DeviceThreads threads, List<Shard> shards, long step) {
        threads.runAll("reading its gradients in the all-reduce of step " + step, r -> {
            if (!shards.get(r).isEmpty()) {
                List<Param> mine = params.get(r);
                for (int p = 0; p < mine.size(); p++) {
                    backends.get(r).readFloats(mine.get(p).grad(), grads[r][p]);
                }
            }
        });
        int slices = threads.size();
        threads.runAll("summing gradients in the all-reduce of step " + step, slice -> {
            for (int p = 0; p < sum.length; p++) {
                int from = (int) ((long) sum[p].length * slice / slices);
                int to = (int) ((long) sum[p].length * (slice + 1) / slices);
                sumSlice(p, from, to, shards);
            }
        });
        threads.runAll("writing the summed gradients in the all-reduce of step " + step, r -> {
            List<Param> mine = params.get(r);
            for (int p = 0; p < mine.size(); p++) {
                backends.get(r).write(mine.get(p).grad(), sum[p]);
            }
        });
    }

    /**
     * sum[p][from, to) = Σ_r w_r · grads[r][p][from, to), r in rank order, in float. Block by block, so that each
     * block of the sum stays in cache while every rank adds to it: the sum is written to memory once, whatever N.
     */
    private void sumSlice(int p, int from, int to, List<Shard> shards) {
        float[] out = sum[p];
        for (int block = from; block < to; block += BLOCK) {
            int end = Math.min(to, block + BLOCK);
            boolean first = true;
            for (Shard s : shards) {
                if (s.isEmpty()) {
                    continue;
                }
                float w = (float) s.weight();
                float[] g = grads[s.rank()][p];
                if (first) {
                    for (int i = block; i < end; i++) {
                        out[i] = w * g[i];
                    }
                    first = false;
                } else {
                    for (int i = block; i < end; i++) {
                        out[i] += w * g[i];
                    }
                }
            }
        }
    }
}
