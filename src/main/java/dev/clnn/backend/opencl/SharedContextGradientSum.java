package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.GradientSum;
import dev.clnn.backend.Tensor;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceBuffer;
import dev.clnn.device.DeviceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sum of the data-parallel all-reduce for replicas whose OpenCL devices share one context
 * ({@link ClDevice#openShared}) and the host's memory (POCL's CPU devices): {@code weighted_sum_all} reads every rank's gradient buffer where it is and writes
 * the sum into all of them, with no map and no alias, since every buffer belongs to the context the kernel runs in.
 * The kernel runs on a second queue of rank 0's device ({@link ClDevice#openSecondQueue}), used by the summing
 * thread alone, so no kernel object is shared with rank 0's thread. Its arithmetic is {@link DeviceGradientSum}'s
 * (the same kernel and launch), so both give the host path's bits.
 *
 * <p>Ordering is left to the devices: each rank enqueues a marker behind the ops that write a bucket
 * ({@link #bucketQueued}), the sum queue a barrier on every rank's marker before the bucket's kernel
 * ({@link #sumBucket}, which returns at once), and each rank's queue a barrier on the step's last sum before its
 * update ({@link #receiveSums}). So a bucket's sum starts when the devices have written it, without a host thread
 * waking up in between; the host waits only to observe when the sums are done ({@link #awaitSums}).
 *
 * <p>Each rank's gradients live in one {@link GradientArena}; a bucket is a sub-buffer of it, cut once per rank and
 * bucket and kept (its start is a gradient's, aligned for sub-buffers).
 *
 * <p>Threads: {@link #bucketQueued}, {@link #awaitBucket}, {@link #map}, {@link #unmap} and {@link #receiveSums} of
 * rank r on r's thread; {@link #sum}, {@link #sumBucket} and {@link #awaitSums} on one summing thread. Each rank's
 * markers are touched by its own thread only; the step's last sum event is written by the summing thread before the
 * device threads' update phase reads it.
 */
public final class SharedContextGradientSum implements GradientSum {
    private final List<OpenClBackend> backends;
    private final List<GradientArena> arenas = new ArrayList<>(); // [rank]
    private final List<Map<Integer, DeviceBuffer>> slices = new ArrayList<>(); // [rank]: bucket's first -> bytes
    // [rank]: bucket's first gradient (-1: all of them) -> marker; put by rank r's thread, read by the summing one
    private final List<Map<Integer, DeviceEvent>> written = new ArrayList<>();
    private final ClDevice summing; // a second queue on rank 0's device
    private final KernelLauncher summingLauncher;
    private DeviceEvent summed; // the step's last sum; null before the first

    /**
     * Allocates one zeroed {@link GradientArena} per rank for gradients of {@code shapes}, and opens the second queue
     * on rank 0's device.
     *
     * @param shapes the shape of each parameter's gradient, the same on every rank
     * @throws IllegalArgumentException unless {@link #supports} the backends
     */
    public SharedContextGradientSum(List<Backend> backends, List<int[]> shapes) {
        if (!supports(backends)) {
            throw new IllegalArgumentException("the shared-context all-reduce needs 2 to "
                    + DeviceGradientSum.MAX_REPLICAS + " OpenCL devices in one context");
        }
        this.backends = new ArrayList<>();
        ClDevice second = null;
        try {
            for (Backend b : backends) {
                OpenClBackend cl = (OpenClBackend) b;
                arenas.add(new GradientArena(cl, shapes));
                this.backends.add(cl);
                slices.add(new HashMap<>());
                written.add(new ConcurrentHashMap<>());
            }
            second = this.backends.get(0).device().openSecondQueue();
        } catch (RuntimeException e) {
            arenas.forEach(GradientArena::close);
            throw e;
        }
        this.summing = second;
        this.summingLauncher = new KernelLauncher(summing, this.backends.get(0).tuning());
    }

    /**
     * Whether the backends are 2 to {@link DeviceGradientSum#MAX_REPLICAS} OpenCL devices in one context that share
     * the host's memory (where the kernel reads the other devices' buffers where they are).
     */
    public static boolean supports(List<Backend> backends) {
        if (!DeviceGradientSum.supports(backends)) {
            return false; // 2 to MAX_REPLICAS OpenCL devices sharing the host's memory
        }
        OpenClBackend first = (OpenClBackend) backends.get(0);
        return backends.stream().allMatch(b -> ((OpenClBackend) b).device().sharesContextWith(first.device()));
    }

    @Override
    public List<Tensor> gradients(int rank) {
        return arenas.get(rank).gradients();
    }

    /** After rank r's backward pass: a marker behind it, waited for here (the phase's time is the backward's). */
    @Override
    public void map(int rank) {
        DeviceEvent marker = replaceMarker(rank, -1, backends.get(rank).device().marker());
        marker.await();
    }

    /** The whole arenas summed on the second queue after every rank's {@link #map} marker; waits for the result. */
    @Override
    public void sum(int[] termRanks, float[] weights) {
        launch(-1, 0, arenas.get(0).gradients().size(), termRanks, weights);
        awaitSums();
    }

    /** Rank r's queue waits for the sum before what it runs next. */
    @Override
    public void unmap(int rank) {
        receiveSums(rank);
    }

    @Override
    public void bucketQueued(int rank, int from, int to) {
        replaceMarker(rank, from, backends.get(rank).device().marker());
    }

    @Override
    public void awaitBucket(int rank, int from) {
        DeviceEvent marker = written.get(rank).get(from);
        if (marker == null) {
            throw new IllegalStateException("rank " + rank + " has not queued the bucket from gradient " + from);
        }
        marker.await();
    }

    @Override
    public boolean sumWaitsOnDevices() {
        return true;
    }

    /** Enqueues the bucket's sum behind every rank's marker of it, on the second queue; returns at once. */
    @Override
    public void sumBucket(int from, int to, int[] termRanks, float[] weights) {
        launch(from, from, to, termRanks, weights);
    }

    /** Waits for the step's last sum (the second queue runs them in order). */
    @Override
    public void awaitSums() {
        if (summed != null) {
            summed.await();
        }
    }

    /**
     * Rank r's queue waits for the step's last sum before the work queued next (its update). Rank r's markers stay
     * until the next step replaces them: its thread may still wait for the last one, to see when its backward
     * pass ended.
     */
    @Override
    public void receiveSums(int rank) {
        if (summed != null) {
            backends.get(rank).device().waitFor(List.of(summed));
        }
    }

    /**
     * Enqueues weighted_sum_all over gradients [from, to) of every rank on the second queue behind every rank's
     * marker {@code key}, then a marker that becomes the step's last sum.
     */
    private void launch(int key, int from, int to, int[] termRanks, float[] weights) {
        List<DeviceEvent> markers = new ArrayList<>();
        DeviceBuffer[] byRank = new DeviceBuffer[backends.size()];
        for (int r = 0; r < byRank.length; r++) {
            DeviceEvent marker = written.get(r).get(key);
            if (marker == null) {
                throw new IllegalStateException("rank " + r + " has not queued the gradients from " + from);
            }
            markers.add(marker);
            byRank[r] = slice(r, from, to);
        }
        summing.waitFor(markers);
        long[] bytes = arenas.get(0).range(from, to);
        DeviceGradientSum.launch(summingLauncher, (int) ((bytes[1] - bytes[0]) / Float.BYTES), byRank, termRanks,
                weights);
        DeviceEvent last = summing.marker();
        if (summed != null) {
            summed.close();
        }
        summed = last;
    }

    /** Rank r's gradients [from, to) as one buffer: the whole arena, or a sub-buffer cut at the first use. */
    private DeviceBuffer slice(int r, int from, int to) {
        GradientArena arena = arenas.get(r);
        if (from == 0 && to == arena.gradients().size()) {
            return arena.buffer();
        }
        synchronized (slices.get(r)) {
            return slices.get(r).computeIfAbsent(from, f -> {
                long[] bytes = arena.range(from, to);
                return backends.get(r).device().subBuffer(arena.buffer(), bytes[0], bytes[1] - bytes[0]);
            });
        }
    }

    /**
     * Keeps {@code marker} as rank r's of bucket {@code key}, closing the last step's: every sum that waited for it
     * has run, and rank r's thread no longer waits for it.
     */
    private DeviceEvent replaceMarker(int rank, int key, DeviceEvent marker) {
        DeviceEvent old = written.get(rank).put(key, marker);
        if (old != null) {
            old.close();
        }
        return marker;
    }

    /** Waits for the second queue, then releases the events, the buckets' sub-buffers, the queue and the arenas. */
    @Override
    public void close() {
        List<Runnable> steps = new ArrayList<>();
        steps.add(summing::finish);
        for (Map<Integer, DeviceEvent> mine : written) {
            mine.values().forEach(e -> steps.add(e::close));
        }
        if (summed != null) {
            steps.add(summed::close);
        }
        for (Map<Integer, DeviceBuffer> mine : slices) {
            mine.values().forEach(b -> steps.add(b::close));
        }
        steps.add(summing::close);
        arenas.forEach(a -> steps.add(a::close));
        RuntimeException first = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        written.forEach(Map::clear);
        slices.forEach(Map::clear);
        arenas.clear();
        summed = null;
        if (first != null) {
            throw first;
        }
    }
}
