package dev.clnn.parallel;

import dev.clnn.nn.Sequential;
import dev.clnn.nn.StateBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one rule for the replicas' buffers in data-parallel training ({@link DataParallelStep}, {@code clnn step}). */
final class ReplicaBuffers {
    private ReplicaBuffers() {
    }

    /**
     * Batch norm's running statistics after a step: each replica normalised with its own shard's statistics (as
     * PyTorch's DDP without SyncBatchNorm) and so updated its running statistics from them; here they become the
     * mean over the replicas with a non-empty shard, summed in rank order in double, written back into every
     * replica, so the replicas stay equal and the result does not depend on timing. Counts (num_batches_tracked)
     * take rank 0's, which always has rows. A model without buffers costs nothing.
     */
    static void average(List<Sequential> models, List<Shard> shards) {
        List<Map<String, StateBuffer>> named = new ArrayList<>();
        for (Sequential m : models) {
            named.add(m.namedBuffers());
        }
        for (String name : named.get(0).keySet()) {
            StateBuffer first = named.get(0).get(name);
            if (first.isCount()) {
                named.forEach(m -> m.get(name).setCount(first.count()));
                continue;
            }
            double[] sum = new double[first.tensor().size()];
            int used = 0;
            for (Shard s : shards) {
                if (s.isEmpty()) {
                    continue;
                }
                float[] v = named.get(s.rank()).get(name).readFloats();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += v[i];
                }
                used++;
            }
            float[] mean = new float[sum.length];
            for (int i = 0; i < sum.length; i++) {
                mean[i] = (float) (sum[i] / used);
            }
            named.forEach(m -> m.get(name).write(mean));
        }
    }

}
