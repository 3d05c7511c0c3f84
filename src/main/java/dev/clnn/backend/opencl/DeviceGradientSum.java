package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.GradientSum;
import dev.clnn.backend.Shapes;
import dev.clnn.backend.Tensor;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceBuffer;
import dev.clnn.device.PendingMap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sum of the data-parallel all-reduce done by a kernel, without copying the gradients through Java arrays: for
 * replicas that are all OpenCL devices sharing the host's memory (POCL's CPU devices, integrated GPUs), the
 * {@link GradientSum} that {@link OpenClBackendProvider} offers for them. Each rank's gradients live in one
 * {@link GradientArena} (each parameter's gradient a sub-buffer of it, {@link #gradients}), because each of the steps
 * below is one command per buffer with a fixed cost: one buffer per replica keeps their number independent of the
 * number of parameters. Each rank r &gt; 0 maps its buffer on its own queue ({@link #map}; zero-copy on such
 * devices: the mapped pointer is the buffer's memory), rank 0 wraps each mapping in a buffer of its own context
 * ({@code CL_MEM_USE_HOST_PTR}) and runs {@code weighted_sum_all}, which reads every replica's gradient where it lives
 * and writes the weighted sum into all of them ({@link #sum}), then each rank unmaps ({@link #unmap}). Each gradient
 * is read once and the sum written once per replica, where the host path copies every gradient out and the sum back
 * in through Java arrays, and the kernel runs vectorised on the device's threads. The kernel adds in the host path's
 * order with the same float roundings (no contraction), so both paths give the same bits.
 *
 * <p>The aliases are created and released per sum (cheap next to the sum): a map may return another
 * address next time, and a fresh alias is correct on any implementation. After the kernel, rank 0 maps each alias
 * for reading and unmaps it, which the specification requires for the host memory to be current before its owner
 * unmaps it (on POCL the kernel already wrote there: the map copies nothing).
 *
 * <p>Threads: {@link #map} and {@link #unmap} for rank r on r's device thread, {@link #sum} on one thread while
 * every device thread waits, never at the same time (the data-parallel step orders them: map after each backward
 * pass, sum, unmap before each update).
 *
 * <p>Buckets, for the sum overlapped with the backward pass: each rank maps the bytes of a bucket of gradients as
 * soon as the ops that write them are queued ({@link #bucketQueued}, behind them on its queue), and a context of its
 * own on rank 0's device (opened at the first {@link #sumBucket}) sums each bucket where every rank has mapped it,
 * while the replicas' queues run the backward ops of the layers before it. A second context rather than a second
 * queue of rank 0's: its kernel and queue are used by the summing thread alone, so no kernel object or launcher is
 * shared with rank 0's thread. Kernels go on writing the other bytes of a buffer while a bucket of it is mapped,
 * which devices that share the host's memory (the only ones this class serves) allow: the map copies nothing.
 */
public final class DeviceGradientSum implements GradientSum {
    /** The kernel takes this many buffers; more replicas use the host path. */
    public static final int MAX_REPLICAS = 4;

    private final List<OpenClBackend> backends;
    private final List<GradientArena> arenas = new ArrayList<>(); // [rank]
    private final List<List<DeviceBuffer>> grads; // [rank][tensor]: each rank's whole arena
    private final List<List<ByteBuffer>> mapped; // [rank][tensor], rank 0's list stays empty
    private final int[] counts; // [tensor]: elements
    private final List<Map<Integer, PendingMap>> buckets; // [rank]: the bucket's first gradient -> its map
    private ClDevice summing; // the buckets' context on rank 0's device, opened at the first sumBucket
    private KernelLauncher summingLauncher;

    /**
     * Allocates one zeroed {@link GradientArena} per rank for gradients of {@code shapes}.
     *
     * @param shapes the shape of each parameter's gradient, the same on every rank
     * @throws IllegalArgumentException unless {@link #supports} the backends, or when the gradients do not fit one
     *                                  buffer
     */
    public DeviceGradientSum(List<Backend> backends, List<int[]> shapes) {
        if (!supports(backends)) {
            throw new IllegalArgumentException("the device-side all-reduce needs 2 to " + MAX_REPLICAS
                    + " OpenCL devices that share the host's memory");
        }
        this.backends = new ArrayList<>();
        this.grads = new ArrayList<>();
        this.mapped = new ArrayList<>();
        this.buckets = new ArrayList<>();
        try {
            for (Backend b : backends) {
                OpenClBackend cl = (OpenClBackend) b;
                GradientArena arena = new GradientArena(cl, shapes);
                arenas.add(arena);
                this.backends.add(cl);
                this.grads.add(List.of(((ClTensor) arena.whole()).buffer));
                this.mapped.add(new ArrayList<>());
                this.buckets.add(new HashMap<>());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.counts = new int[] {Shapes.elementCount(arenas.get(0).whole().shape())};
    }

    /** Whether the sum can run on the devices: 2 to {@link #MAX_REPLICAS} OpenCL devices sharing host memory. */
    public static boolean supports(List<Backend> backends) {
        if (backends.size() < 2 || backends.size() > MAX_REPLICAS) {
            return false;
        }
        for (Backend b : backends) {
            if (!(b instanceof OpenClBackend cl) || !cl.device().hostUnifiedMemory()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Tensor> gradients(int rank) {
        return arenas.get(rank).gradients();
    }

    /** Maps rank r's gradients after its queued work (its backward pass), on r's thread; nothing for rank 0. */
    @Override
    public void map(int rank) {
        if (rank == 0) {
            return;
        }
        ClDevice device = backends.get(rank).device();
        List<ByteBuffer> mine = mapped.get(rank);
        mine.clear();
        for (DeviceBuffer g : grads.get(rank)) {
            mine.add(device.map(g));
        }
        device.finish();
    }

    /**
     * Every rank's gradient p becomes Σ_k weights[k] · (gradient p of rank termRanks[k]), k in order, on rank 0's
     * device, which waits for the result. Every rank but 0 must be {@link #map mapped}.
     *
     * @param termRanks the ranks whose gradients are summed (the non-empty shards), in rank order
     * @param weights   their weights
     */
    @Override
    public void sum(int[] termRanks, float[] weights) {
        ClDevice first = backends.get(0).device();
        List<DeviceBuffer> aliases = new ArrayList<>();
        try {
            for (int p = 0; p < counts.length; p++) {
                DeviceBuffer[] byRank = new DeviceBuffer[backends.size()];
                byRank[0] = grads.get(0).get(p);
                for (int r = 1; r < byRank.length; r++) {
                    byRank[r] = first.aliasHostMemory(mapped.get(r).get(p));
                    aliases.add(byRank[r]);
                }
                launch(backends.get(0).launcher(), counts[p], byRank, termRanks, weights);
            }
            for (DeviceBuffer alias : aliases) {
                first.unmap(alias, first.mapForReading(alias)); // in order: the unmap follows the map on the queue
            }
            first.finish();
        } finally {
            aliases.forEach(DeviceBuffer::close);
        }
    }

    /** Unmaps rank r's gradients, on r's thread, so that its device sees the sum; nothing for rank 0. */
    @Override
    public void unmap(int rank) {
        if (rank == 0) {
            return;
        }
        ClDevice device = backends.get(rank).device();
        List<ByteBuffer> mine = mapped.get(rank);
        for (int p = 0; p < mine.size(); p++) {
            device.unmap(grads.get(rank).get(p), mine.get(p));
        }
        mine.clear();
    }

    /** Maps the bucket's bytes of rank r behind its queued ops, without waiting. */
    @Override
    public void bucketQueued(int rank, int from, int to) {
        long[] bytes = arenas.get(rank).range(from, to);
        PendingMap map = backends.get(rank).device().mapAsync(arenas.get(rank).buffer(), bytes[0], bytes[1] - bytes[0]);
        if (buckets.get(rank).putIfAbsent(from, map) != null) {
            throw new IllegalStateException("rank " + rank + " mapped the bucket from gradient " + from + " twice");
        }
    }

    @Override
    public void awaitBucket(int rank, int from) {
        bucket(rank, from).await();
    }

    /**
     * Sums the bucket's bytes of every rank in the buckets' context: each rank's mapping wrapped as a buffer of that
     * context, {@code weighted_sum_all} over them, then each wrapper mapped for reading and unmapped, as
     * {@link #sum} does, before the wrappers are released.
     */
    @Override
    public void sumBucket(int from, int to, int[] termRanks, float[] weights) {
        if (summing == null) {
            summing = ClDevice.open(backends.get(0).device().info());
            summingLauncher = new KernelLauncher(summing, backends.get(0).tuning());
        }
        DeviceBuffer[] byRank = new DeviceBuffer[backends.size()];
        try {
            for (int r = 0; r < byRank.length; r++) {
                byRank[r] = summing.aliasHostMemory(bucket(r, from).memory());
            }
            long[] bytes = arenas.get(0).range(from, to);
            launch(summingLauncher, (int) ((bytes[1] - bytes[0]) / Float.BYTES), byRank, termRanks, weights);
            for (DeviceBuffer alias : byRank) {
                summing.unmap(alias, summing.mapForReading(alias));
            }
            summing.finish();
        } finally {
            for (DeviceBuffer alias : byRank) {
                if (alias != null) {
                    alias.close();
                }
            }
        }
    }

    /** Unmaps every bucket rank r mapped this step. */
    @Override
    public void receiveSums(int rank) {
        ClDevice device = backends.get(rank).device();
        Map<Integer, PendingMap> mine = buckets.get(rank);
        for (PendingMap map : mine.values()) {
            map.await(); // a failed step may not have waited for it
            device.unmap(arenas.get(rank).buffer(), map.memory());
        }
        mine.clear();
    }

    private PendingMap bucket(int rank, int from) {
        PendingMap map = buckets.get(rank).get(from);
        if (map == null) {
            throw new IllegalStateException("rank " + rank + " has not mapped the bucket from gradient " + from);
        }
        return map;
    }

    /**
     * Releases every rank's arena (the gradients' sub-buffers keep the memory until they are closed) and the buckets'
     * context.
     */
    @Override
    public void close() {
        arenas.forEach(GradientArena::close);
        arenas.clear();
        if (summing != null) {
            summing.close();
            summing = null;
        }
    }

    /**
     * Launches {@code weighted_sum_all} over {@code count} elements of the buffers {@code byRank} (one context's):
     * the terms first in the given order, then the ranks that only receive the sum; one work-item per
     * {@link dev.clnn.backend.opencl.tuning.KernelTuning#sumWidth} elements.
     */
    static void launch(KernelLauncher launcher, int count, DeviceBuffer[] byRank, int[] termRanks, float[] weights) {
        if (termRanks.length == 0 || termRanks.length > byRank.length || byRank.length > MAX_REPLICAS
                || weights.length != termRanks.length) {
            throw new IllegalArgumentException("weighted_sum_all: " + termRanks.length + " terms with "
                    + weights.length + " weights over " + byRank.length + " buffers (at most " + MAX_REPLICAS + ")");
        }
        Object[] buffers = new Object[MAX_REPLICAS];
        float[] w = new float[MAX_REPLICAS];
        boolean[] isTerm = new boolean[byRank.length];
        int slot = 0;
        for (int k = 0; k < termRanks.length; k++) {
            isTerm[termRanks[k]] = true;
            w[slot] = weights[k];
            buffers[slot++] = byRank[termRanks[k]];
        }
        for (int r = 0; r < byRank.length; r++) {
            if (!isTerm[r]) {
                buffers[slot++] = byRank[r];
            }
        }
        while (slot < MAX_REPLICAS) {
            buffers[slot++] = buffers[0]; // never touched: past `outputs`
        }
        long items = KernelLauncher.ceilDiv(count, launcher.tuning().sumWidth());
        launcher.elementwise(Kernels.WEIGHTED_SUM_ALL, items, count, termRanks.length, byRank.length, buffers[0],
                buffers[1], buffers[2], buffers[3], w[0], w[1], w[2], w[3]);
    }
}
