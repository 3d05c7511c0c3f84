package dev.clnn.backend;

import java.util.List;

/**
 * The weighted sum of several replicas' parameter gradients done where they live, on the devices, for the
 * data-parallel all-reduce: every replica's gradient p becomes Σ_k w_k · (gradient p of rank r_k), k in the given
 * order, with the same float operations in the same order as a sum through the host, so both give the same bits. A
 * backend kind offers one for the replicas it can sum ({@link BackendProvider#gradientSum}, asked by
 * {@link Backends#gradientSum}); the OpenCL backend does for devices that share the host's memory.
 *
 * <p>Each rank's gradients live in one buffer of its device, one slice per parameter ({@link #gradients}), which the
 * replica's parameters take as their gradients. A step then runs {@link #map} for every rank, {@link #sum} once,
 * {@link #unmap} for every rank: {@link #map} and {@link #unmap} of rank r on r's device thread, {@link #sum} on one
 * thread while every device thread waits, never at the same time.
 */
public interface GradientSum extends AutoCloseable {
    /**
     * Rank r's gradient tensors, F32, one slice of its buffer per parameter in the order of the shapes the sum was
     * made for; each closes its own slice.
     */
    List<Tensor> gradients(int rank);

    /** Makes rank r's gradients readable by the sum, after its queued work (its backward pass), on r's thread. */
    void map(int rank);

    /**
     * Every rank's gradient p becomes Σ_k weights[k] · (gradient p of rank termRanks[k]), k in order; waits for the
     * result. Every rank must be {@link #map mapped}.
     *
     * @param termRanks the ranks whose gradients are summed (the non-empty shards), in rank order
     * @param weights   their weights
     */
    void sum(int[] termRanks, float[] weights);

    /** Hands rank r's gradients back to its device, which then sees the sum, on r's thread. */
    void unmap(int rank);

    /**
     * For the sum overlapped with the backward pass, which sums buckets of consecutive gradients [from, to) while the
     * devices compute the layers before them: called on r's thread once the backward ops that write rank r's
     * gradients [from, to) are queued, returns at once, so that the device goes on with the layers queued after
     * them. Each bucket once per step, buckets do not overlap.
     */
    void bucketQueued(int rank, int from, int to);

    /** Waits, on r's thread, until the ops rank r queued before its {@link #bucketQueued} of the bucket starting at
     * gradient {@code from} have run. */
    void awaitBucket(int rank, int from);

    /**
     * Whether {@link #sumBucket} may be called as soon as every rank's {@link #bucketQueued} of the bucket returned:
     * the sum then waits for the devices on the devices, and {@link #sumBucket} returns before it ran. Otherwise
     * only once every rank's {@link #awaitBucket} of it returned.
     */
    default boolean sumWaitsOnDevices() {
        return false;
    }

    /**
     * As {@link #sum} for the bucket [from, to) alone, on a queue of its own so that it runs beside the devices'
     * backward passes; waits for the result unless {@link #sumWaitsOnDevices}. Called from one thread (not a device
     * thread), in the order the buckets were queued.
     */
    void sumBucket(int from, int to, int[] termRanks, float[] weights);

    /**
     * Waits until every bucket summed this step has its sum, on the thread that called {@link #sumBucket}; nothing
     * to wait for unless {@link #sumWaitsOnDevices}.
     */
    default void awaitSums() {
    }

    /**
     * Before rank r's update, on r's thread, after {@link #awaitSums}: makes its device see every bucket's sum of
     * this step before the work queued after this call.
     */
    void receiveSums(int rank);

    /**
     * Releases the buffers (the gradients' slices keep the memory until they are closed); a second call does
     * nothing.
     */
    @Override
    void close();
}
