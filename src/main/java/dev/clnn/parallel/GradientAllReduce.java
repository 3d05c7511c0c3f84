package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.GradientSum;
import dev.clnn.backend.Tensor;
import dev.clnn.nn.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Sums the replicas' parameter gradients: every replica's gradient becomes
 * g = Σ_r w_r · g_r over the non-empty shards r in rank order, w_r = shard rows / batch rows, so g is the gradient
 * of the whole batch's mean loss. Two paths give the same bits (the same float operations in the same order).
 *
 * <p>On the devices ({@link GradientSum}, which {@link Backends#gradientSum} finds where a backend kind offers it;
 * OpenCL does for 2 to 4 replicas, its kernel's limit): each replica's gradients are moved into one buffer of its
 * device and a kernel on rank 0's device sums them in place into every replica's buffer. Devices opened in one
 * context ({@link Backends#openGroup}) need nothing more: the kernel reads the other devices' buffers directly, and
 * events order it after their backward passes and before their updates. Devices in contexts of their own that share
 * the host's memory (POCL's CPU devices) map their buffers (zero-copy there) for the kernel to wrap, then unmap. This
 * reads and writes each gradient once with a vectorised kernel instead of copying it through Java arrays on the
 * cores the devices compute on, and one buffer per replica keeps the number of commands (each with a fixed cost)
 * independent of the number of parameters. Summing in Java over mapped buffers is no alternative: {@code
 * FloatBuffer} loops are not vectorised.
 *
 * <p>Otherwise through the host (OpenCL beside the CPU reference, discrete GPUs, more replicas). Three phases: read
 * each gradient to the host (each device on its own thread), sum
 * (each device thread a slice of every parameter, each element summed in rank order, so the result does not depend
 * on the threads' timing or on the slicing), write the sum back to every replica. {@link DataParallelStep} runs the
 * read at the end of each device's backward pass and the write at the start of its update, so that the three cost
 * one hand-over between threads instead of three. The host arrays are allocated once: a fresh array per read would
 * make the JVM collect garbage every few steps, which other device threads' reads hold off (JOCL pins the array
 * during a blocking read).
 *
 * <p>Overlapped with the backward pass ({@link #overlap}): the gradients are summed in {@link GradientBuckets}, each
 * as soon as every replica's backward ops for its layers have run, while the devices compute the layers before it.
 * Only when each element is summed changes, not how, so both schedules give the same bits. On devices in one
 * context, each rank enqueues a marker behind a bucket's backward ops ({@link GradientSum#bucketQueued}) and the
 * calling thread at once enqueues the bucket's sum behind every rank's marker, so the devices start it without a
 * host thread in between; it then waits for the last sum. On devices in contexts of their own, each rank maps a
 * bucket behind its backward ops without waiting and the calling thread sums it, once mapped, in a context of its
 * own; through the host, each device thread reads a bucket (a blocking read, so its device waits for the read, not
 * for the sum) and the calling thread sums it.
 *
 * <p>The exposed time is observed the same way on every path: a device's backward ends when its thread sees its
 * last bucket's ops done (a wait on the map or marker behind them), the sum when the calling thread sees the last
 * sum done.
 */
final class GradientAllReduce {
    /** Elements per block of the sum: 16 KB of floats, well within a core's L1 or L2 cache. */
    private static final int BLOCK = 4096;

    private final List<Backend> backends;
    private final List<List<Param>> params; // [rank][parameter], every replica's parameters in model order
    private final float[][][] grads; // [rank][parameter][element]: host copies of each replica's gradients
    private final float[][] sum; // [parameter][element]; the host path's arrays are not allocated on the devices
    private final GradientSum onDevices; // null: the host path
    private GradientBuckets buckets; // null: summed after the backward pass ({@link #run})
    private BucketReadiness readiness;
    private long[] backwardEnd; // [rank]: System.nanoTime() when its backward pass had run, this step

    /** The device path where a backend kind offers a {@link GradientSum} for the backends, otherwise the host path. */
    GradientAllReduce(List<Backend> backends, List<List<Param>> params) {
        this(backends, params, Backends.gradientSum(backends, shapes(params)));
    }

    /** The device path where {@code onDevices} is present (made for {@link #shapes} of the params), else the host's. */
    GradientAllReduce(List<Backend> backends, List<List<Param>> params, Optional<GradientSum> onDevices) {
        this.backends = List.copyOf(backends);
        this.params = new ArrayList<>(params);
        List<Param> first = params.get(0);
        this.grads = new float[params.size()][first.size()][];
        this.sum = new float[first.size()][];
        this.onDevices = onDevices.orElse(null);
        if (this.onDevices != null) {
            try {
                for (int r = 0; r < params.size(); r++) {
                    gatherGradients(r);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        } else {
            for (int p = 0; p < first.size(); p++) {
                sum[p] = new float[first.get(p).size()];
                for (int r = 0; r < params.size(); r++) {
                    grads[r][p] = new float[sum[p].length];
                }
            }
        }
    }

    /** The host path whatever the backends offer: the reference the device path is tested against. */
    static GradientAllReduce onHost(List<Backend> backends, List<List<Param>> params) {
        shapes(params);
        return new GradientAllReduce(backends, params, Optional.empty());
    }

    /**
     * The shapes of the parameters, replica 0's after checking that every replica has as many parameters of the
     * same sizes.
     */
    static List<int[]> shapes(List<List<Param>> params) {
        List<Param> first = params.get(0);
        for (int r = 1; r < params.size(); r++) {
            if (params.get(r).size() != first.size()) {
                throw new IllegalArgumentException("replica " + r + " has " + params.get(r).size()
                        + " parameters, replica 0 has " + first.size());
            }
        }
        for (int p = 0; p < first.size(); p++) {
            int size = first.get(p).size();
            for (int r = 0; r < params.size(); r++) {
                if (params.get(r).get(p).size() != size) {
                    throw new IllegalArgumentException("parameter " + p + " has " + params.get(r).get(p).size()
                            + " elements on replica " + r + " but " + size + " on replica 0");
                }
            }
        }
        return first.stream().map(Param::shape).toList();
    }

    /**
     * Moves rank r's gradients into the sum's slices of one buffer: the device path then maps, wraps and sums one
     * buffer per replica, not one per parameter.
     */
    private void gatherGradients(int r) {
        List<Param> mine = params.get(r);
        List<Tensor> slices = onDevices.gradients(r);
        for (int p = 0; p < mine.size(); p++) {
            mine.get(p).moveGradientTo(slices.get(p));
        }
    }

    /** Releases the device path's gradient buffers (the parameters' slices of them stay until they are closed). */
    void close() {
        if (onDevices != null) {
            onDevices.close();
        }
    }

    /** Whether the sum runs on the devices rather than through the host. */
    boolean onDevices() {
        return onDevices != null;
    }

    /**
     * Replaces every replica's gradients with their weighted sum over {@code shards}, which must be the shards of
     * the step that produced them (empty shards contribute nothing and are not read): {@link #read} on every
     * device, {@link #sum}, {@link #write} on every device, each phase on all device threads at once.
     *
     * @param step the step's number, for error messages
     */
    void run(DeviceThreads threads, List<Shard> shards, long step) {
        threads.runAll("the all-reduce of step " + step, r -> read(r, shards.get(r)));
        sum(threads, shards, step);
        threads.runAll("the all-reduce of step " + step, this::write);
    }

    /**
     * Copies rank r's gradients to the host, on r's device thread; nothing for an empty shard. On the devices, maps
     * them instead (every rank but 0, empty shards too: they receive the sum). A failure names what failed, for the
     * {@link DeviceFailedException} of the phase this runs in.
     */
    void read(int r, Shard shard) {
        if (onDevices != null) {
            try {
                onDevices.map(r);
            } catch (RuntimeException e) {
                throw new IllegalStateException("mapping its gradients for the all-reduce: " + e.getMessage(), e);
            }
            return;
        }
        if (shard.isEmpty()) {
            return;
        }
        List<Param> mine = params.get(r);
        try {
            for (int p = 0; p < mine.size(); p++) {
                backends.get(r).readFloats(mine.get(p).grad(), grads[r][p]);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("reading its gradients for the all-reduce: " + e.getMessage(), e);
        }
    }

    /**
     * The weighted sum of what {@link #read} copied, each device thread a slice of every parameter; on the devices,
     * the kernel on rank 0's device, which writes the sum into every replica's gradients, enqueued from the calling
     * thread while the device threads wait (a hand-over to rank 0's thread and back would cost about as much as the
     * launches).
     */
    void sum(DeviceThreads threads, List<Shard> shards, long step) {
        if (onDevices != null) {
            List<Shard> terms = shards.stream().filter(s -> !s.isEmpty()).toList();
            int[] ranks = terms.stream().mapToInt(Shard::rank).toArray();
            float[] weights = new float[terms.size()];
            for (int k = 0; k < weights.length; k++) {
                weights[k] = (float) terms.get(k).weight();
            }
            threads.runHere(0, "summing gradients on the device in the all-reduce of step " + step, () -> {
                try {
                    onDevices.sum(ranks, weights);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("summing every replica's gradients: " + e.getMessage(), e);
                }
            });
            return;
        }
        int slices = threads.size();
        threads.runAll("summing gradients in the all-reduce of step " + step, slice -> {
            for (int p = 0; p < sum.length; p++) {
                int from = (int) ((long) sum[p].length * slice / slices);
                int to = (int) ((long) sum[p].length * (slice + 1) / slices);
                sumSlice(p, from, to, shards);
            }
        });
    }

    /** Overwrites rank r's gradients with the {@link #sum}, on r's device thread; on the devices, unmaps them. */
    void write(int r) {
        if (onDevices != null) {
            try {
                onDevices.unmap(r);
            } catch (RuntimeException e) {
                throw new IllegalStateException("unmapping the summed gradients of the all-reduce: " + e.getMessage(),
                        e);
            }
            return;
        }
        List<Param> mine = params.get(r);
        try {
            for (int p = 0; p < mine.size(); p++) {
                backends.get(r).write(mine.get(p).grad(), sum[p]);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("writing the summed gradients of the all-reduce: " + e.getMessage(), e);
        }
    }

    /**
     * Sums in {@code buckets}, overlapped with the backward pass: per step {@link #startStep}, on each device thread
     * the {@link #afterLayer} listener during its backward pass and {@link #backwardQueued} after it, meanwhile
     * {@link #sumBuckets} on the calling thread, then {@link #writeBuckets} before each update.
     */
    void overlap(GradientBuckets buckets) {
        this.buckets = buckets;
        this.readiness = new BucketReadiness(params.size(), buckets.size());
        this.backwardEnd = new long[params.size()];
    }

    /** Forgets the last step's readiness. */
    void startStep() {
        readiness.reset();
    }

    /**
     * The listener of rank r's backward pass: after the layer that completes a bucket, maps it behind the queued ops
     * (on the devices) or reads it and hands it to the sum (through the host). Not called for an empty shard.
     */
    IntConsumer afterLayer(int r) {
        return layer -> {
            int k = buckets.closedBy(layer);
            if (k < 0) {
                return;
            }
            GradientBuckets.Bucket b = buckets.buckets().get(k);
            if (onDevices != null) {
                try {
                    onDevices.bucketQueued(r, b.from(), b.to());
                } catch (RuntimeException e) {
                    throw new IllegalStateException("handing its gradients to the all-reduce: " + e.getMessage(), e);
                }
                if (onDevices.sumWaitsOnDevices()) {
                    readiness.ready(k); // the sum waits for the bucket's ops on the devices
                }
                return;
            }
            if (k == buckets.size() - 1) {
                backends.get(r).synchronize(); // so that the last read counts as the all-reduce's time
                backwardEnd[r] = System.nanoTime();
            }
            readBucket(r, b);
            readiness.ready(k);
        };
    }

    /**
     * After rank r's backward ops are queued, on its thread: on the devices, waits for each bucket's map in turn
     * and hands it to the sum (an empty shard, which computed nothing, maps them first: it receives the sums);
     * through the host, an empty shard hands over every bucket, none of which it reads.
     */
    void backwardQueued(int r, Shard shard) {
        if (onDevices == null) {
            if (shard.isEmpty()) {
                backwardEnd[r] = System.nanoTime();
                for (int k = 0; k < buckets.size(); k++) {
                    readiness.ready(k);
                }
            }
            return;
        }
        queueEmptyShard(r, shard);
        awaitBackward(r);
    }

    /**
     * On the devices, for an empty shard, which computed nothing and so queued no bucket: hands every bucket over
     * at once (it receives the sums); nothing otherwise.
     */
    void queueEmptyShard(int r, Shard shard) {
        if (onDevices == null || !shard.isEmpty()) {
            return;
        }
        try {
            for (int k = 0; k < buckets.size(); k++) {
                GradientBuckets.Bucket b = buckets.buckets().get(k);
                onDevices.bucketQueued(r, b.from(), b.to());
                if (onDevices.sumWaitsOnDevices()) {
                    readiness.ready(k);
                }
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("handing its gradients to the all-reduce: " + e.getMessage(), e);
        }
    }

    /**
     * On the devices, on r's thread after {@link #queueEmptyShard}: waits until each bucket's ops ran and hands it to
     * the sum, or, where the sums wait on the devices, for the last bucket alone; either way notes when the backward
     * pass ended.
     */
    void awaitBackward(int r) {
        boolean onTheDevices = onDevices.sumWaitsOnDevices();
        try {
            for (int k = onTheDevices ? buckets.size() - 1 : 0; k < buckets.size(); k++) {
                onDevices.awaitBucket(r, buckets.buckets().get(k).from());
                if (k == buckets.size() - 1) {
                    backwardEnd[r] = System.nanoTime();
                }
                if (!onTheDevices) {
                    readiness.ready(k);
                }
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("handing its gradients to the all-reduce: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the sums wait for the devices on the devices (devices in one context): then each device thread can
     * queue its update behind the sums before they ran ({@link #awaitSumsQueued}, {@link #writeBuckets}).
     */
    boolean sumsWaitOnDevices() {
        return onDevices != null && onDevices.sumWaitsOnDevices();
    }

    /**
     * On a device thread, where {@link #sumsWaitOnDevices}: waits until the calling thread has enqueued every
     * bucket's sum of this step; false when the step failed meanwhile (a device or the sum), and the thread must
     * not update.
     */
    boolean awaitSumsQueued() {
        return readiness.awaitAllSummed();
    }

    /** A device thread failed this step: ends the summing thread's wait. */
    void abort() {
        readiness.fail();
    }

    /** When rank r's backward pass of this step had run (before the read of its last bucket, through the host). */
    long backwardEnd(int r) {
        return backwardEnd[r];
    }

    /**
     * On the calling thread while the device threads run {@link #afterLayer} and {@link #backwardQueued}: each
     * bucket in turn, once every replica has handed it over, summed as {@link #sum} sums all of them.
     */
    void sumBuckets(DeviceThreads threads, List<Shard> shards, long step) {
        try {
            sumEachBucket(threads, shards, step);
        } catch (RuntimeException | Error e) {
            readiness.fail(); // device threads waiting for the sums to be enqueued go on without them
            throw e;
        }
    }

    private void sumEachBucket(DeviceThreads threads, List<Shard> shards, long step) {
        List<Shard> terms = shards.stream().filter(s -> !s.isEmpty()).toList();
        int[] ranks = terms.stream().mapToInt(Shard::rank).toArray();
        float[] weights = new float[terms.size()];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = (float) terms.get(k).weight();
        }
        for (int k = 0; k < buckets.size(); k++) {
            readiness.await(k);
            GradientBuckets.Bucket b = buckets.buckets().get(k);
            if (onDevices != null) {
                threads.runHere(0, "summing gradients on the device in the all-reduce of step " + step, () -> {
                    try {
                        onDevices.sumBucket(b.from(), b.to(), ranks, weights);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("summing every replica's gradients: " + e.getMessage(), e);
                    }
                });
            } else {
                for (int p = b.from(); p < b.to(); p++) {
                    sumSlice(p, 0, sum[p].length, shards);
                }
            }
        }
        if (sumsWaitOnDevices()) {
            readiness.allSummed();
        }
        if (onDevices != null) {
            // Where the sums only were enqueued: the step's all-reduce ends when the last one has run.
            threads.runHere(0, "summing gradients on the device in the all-reduce of step " + step, () -> {
                try {
                    onDevices.awaitSums();
                } catch (RuntimeException e) {
                    throw new IllegalStateException("summing every replica's gradients: " + e.getMessage(), e);
                }
            });
        }
    }

    /**
     * Before rank r's update, on its thread: the sums into its gradients (through the host), or its unmaps, or its
     * queue's wait for the sums (in a shared context).
     */
    void writeBuckets(int r) {
        if (onDevices == null) {
            write(r);
            return;
        }
        try {
            onDevices.receiveSums(r);
        } catch (RuntimeException e) {
            throw new IllegalStateException("unmapping the summed gradients of the all-reduce: " + e.getMessage(), e);
        }
    }

    private void readBucket(int r, GradientBuckets.Bucket b) {
        List<Param> mine = params.get(r);
        try {
            for (int p = b.from(); p < b.to(); p++) {
                backends.get(r).readFloats(mine.get(p).grad(), grads[r][p]);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("reading its gradients for the all-reduce: " + e.getMessage(), e);
        }
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
