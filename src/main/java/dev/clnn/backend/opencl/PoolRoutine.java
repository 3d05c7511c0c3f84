package dev.clnn.backend.opencl;

import static dev.clnn.backend.opencl.KernelLauncher.ceilDiv;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Pool2d;
import dev.clnn.device.DeviceBuffer;

/**
 * The pooling kernels of pool.cl on an OpenCL device, forward and backward, max and average; for windows that do not
 * overlap, backward writes each output's block of dx in one pass (no fill, no gather). The arguments are checked by
 * {@link OpenClBackend} before it calls these.
 */
final class PoolRoutine {
    /** Outputs of a row one *_2x2 work-item computes: the float4 of pool.cl. */
    private static final int CHUNK_2X2 = 4;

    private final KernelLauncher launcher;

    PoolRoutine(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    void maxForward(DeviceBuffer y, DeviceBuffer argmax, DeviceBuffer x, Pool2d p) {
        if (tiles2x2(p)) {
            overChunks(Kernels.MAX_POOL_FORWARD_2X2, p, y, argmax, x);
        } else {
            overOutput(Kernels.MAX_POOL_FORWARD, p, y, argmax, x);
        }
    }

    /** With {@code y} (else null) dy is dropped where y ≤ 0: see {@link Backend#maxPoolBackward}. */
    void maxBackward(DeviceBuffer dx, DeviceBuffer dy, DeviceBuffer argmax, DeviceBuffer y, Pool2d p) {
        Object[] buffers = {dx, dy, argmax, gate(y, dy), y == null ? 0 : 1};
        if (tiles2x2(p)) {
            overChunks(Kernels.MAX_POOL_BACKWARD_2X2, p, buffers);
        } else if (windowsDisjoint(p)) {
            overOutput(Kernels.MAX_POOL_BACKWARD_SCATTER, p, buffers);
        } else {
            overInput(Kernels.MAX_POOL_BACKWARD, p, buffers);
        }
    }

    void avgForward(DeviceBuffer y, DeviceBuffer x, Pool2d p) {
        if (tiles2x2(p)) {
            overChunks(Kernels.AVG_POOL_FORWARD_2X2, p, y, x);
        } else {
            overOutput(Kernels.AVG_POOL_FORWARD, p, y, x);
        }
    }

    /** With {@code reluOutput} (else null) dx is 0 wherever it is ≤ 0: see {@link Backend#avgPoolBackward}. */
    void avgBackward(DeviceBuffer dx, DeviceBuffer dy, DeviceBuffer reluOutput, Pool2d p) {
        Object[] buffers = {dx, dy, gate(reluOutput, dy), reluOutput == null ? 0 : 1};
        if (tiles2x2(p)) {
            overChunks(Kernels.AVG_POOL_BACKWARD_2X2, p, buffers);
        } else if (windowsDisjoint(p)) {
            overOutput(Kernels.AVG_POOL_BACKWARD_SCATTER, p, buffers);
        } else {
            overInput(Kernels.AVG_POOL_BACKWARD, p, buffers);
        }
    }

    /** The kernels' gate argument, or any valid buffer (never read) when there is none. */
    private static DeviceBuffer gate(DeviceBuffer gate, DeviceBuffer unread) {
        return gate == null ? unread : gate;
    }

    /**
     * Windows that do not overlap send each input at most one gradient, so backward can write blocks from the
     * outputs (no division per element) instead of gathering; both give the reference's exact values.
     */
    static boolean windowsDisjoint(Pool2d p) {
        return p.sh() >= p.kh() && p.sw() >= p.kw();
    }

    /**
     * The 2×2 window with stride 2 and no padding over even sizes, whose windows tile the input exactly: the *_2x2
     * kernels, four outputs per work-item in vector registers.
     */
    static boolean tiles2x2(Pool2d p) {
        return p.kh() == 2 && p.kw() == 2 && p.sh() == 2 && p.sw() == 2 && p.ph() == 0 && p.pw() == 0
                && p.h() == 2 * p.outH() && p.w() == 2 * p.outW();
    }

    /**
     * A kernel over the range (outW, outH, planes), in groups one row long: what a group derives from dimensions 1
     * and 2 is then the same for all its work-items, which POCL's vectoriser exploits.
     */
    private void overOutput(Kernels k, Pool2d p, Object... buffers) {
        launcher.range(k, new long[] {p.outW(), p.outH(), (long) p.n() * p.c()}, args(p, buffers));
    }

    /**
     * A *_2x2 kernel over the range (ceil(outW / 4), outH, planes), in the launcher's larger groups: each work-item
     * does a float4's work, so groups of one row would be too light to pay for themselves.
     */
    private void overChunks(Kernels k, Pool2d p, Object... buffers) {
        launcher.rangeGrouped(k, new long[] {ceilDiv(p.outW(), CHUNK_2X2), p.outH(), (long) p.n() * p.c()},
                args(p, buffers));
    }

    /** A kernel over the range (w, h, planes), grouped as {@link #overOutput}. */
    private void overInput(Kernels k, Pool2d p, Object... buffers) {
        launcher.range(k, new long[] {p.w(), p.h(), (long) p.n() * p.c()}, args(p, buffers));
    }

    /** The buffers (and flags) followed by the geometry pool.cl's POOL_ARGS declare. */
    private static Object[] args(Pool2d p, Object... buffers) {
        int[] sizes = {p.n() * p.c(), p.h(), p.w(), p.kh(), p.kw(), p.sh(), p.sw(), p.ph(), p.pw(), p.outH(),
            p.outW()};
        Object[] args = new Object[buffers.length + sizes.length];
        System.arraycopy(buffers, 0, args, 0, buffers.length);
        for (int i = 0; i < sizes.length; i++) {
            args[buffers.length + i] = sizes[i];
        }
        return args;
    }
}
