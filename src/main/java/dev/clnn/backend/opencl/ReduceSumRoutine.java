package dev.clnn.backend.opencl;

import static dev.clnn.backend.opencl.KernelLauncher.ceilDiv;

import dev.clnn.device.DeviceBuffer;

/**
 * reduce_sum in two passes, as {@link OpenClBackend#reduceSum} and the loss means use it: partial sums, one per
 * work-group over a contiguous chunk, then one work-group over the partials. The split depends only on the count and
 * the tuning, so the summation order, and with it the result, is the same on every run.
 */
final class ReduceSumRoutine {
    /** More partial sums than this gain nothing on the devices we target; the second pass sums them. */
    static final int MAX_GROUPS = 64;
    /** Terms per work-item below which a further work-group costs more than it saves. */
    static final int MIN_TERMS_PER_ITEM = 4;

    private final KernelLauncher launcher;
    private final int local;

    ReduceSumRoutine(KernelLauncher launcher) {
        this.launcher = launcher;
        this.local = launcher.tuning().reduceLocal();
    }

    /** out[0] = scale · Σ x[0 .. count). */
    void sum(DeviceBuffer out, DeviceBuffer x, int count, float scale) {
        int groups = (int) Math.min(MAX_GROUPS, ceilDiv(count, (long) MIN_TERMS_PER_ITEM * local));
        long[] one = {local};
        if (groups <= 1) {
            launcher.launch(Kernels.REDUCE_SUM, one, one, out, x, count, scale);
            return;
        }
        try (DeviceBuffer partials = launcher.allocate(4L * groups)) {
            launcher.launch(Kernels.REDUCE_SUM, new long[] {(long) groups * local}, one, partials, x, count, 1f);
            launcher.launch(Kernels.REDUCE_SUM, one, one, out, partials, groups, scale);
        }
    }

    /** out[0] += Σ x[0 .. count)², with the same split as {@link #sum}. */
    void sumSquares(DeviceBuffer out, DeviceBuffer x, int count) {
        int groups = (int) Math.min(MAX_GROUPS, ceilDiv(count, (long) MIN_TERMS_PER_ITEM * local));
        long[] one = {local};
        if (groups <= 1) {
            launcher.launch(Kernels.SUM_SQUARES, one, one, out, x, count, 1, 1);
            return;
        }
        try (DeviceBuffer partials = launcher.allocate(4L * groups)) {
            launcher.launch(Kernels.SUM_SQUARES, new long[] {(long) groups * local}, one, partials, x, count, 1, 0);
            launcher.launch(Kernels.SUM_SQUARES, one, one, out, partials, groups, 0, 1);
        }
    }
}
