package dev.clnn.backend.opencl;

import static dev.clnn.backend.opencl.KernelLauncher.ceilDiv;
import static dev.clnn.backend.opencl.KernelLauncher.roundUp;

import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.DeviceBuffer;

/**
 * The convolution kernels of conv.cl on an OpenCL device: the layout changes around the GEMM (im2col, col2im, the
 * NCHW ↔ CNHW swap) and the direct convolution with its two-pass parameter gradient. The arguments are checked by
 * {@link OpenClBackend} before it calls these.
 */
final class ConvRoutine {
    /** Pixels of a row one work-item of col2im and the direct convolution computes: the float8 of conv.cl. */
    private static final int DIRECT_COLUMNS = 8;
    /**
     * Image slices the direct gradient's first pass splits the batch into: with cout and the row's pixels, enough
     * work-items to keep every core busy, and a second pass of only slices × row partials per weight.
     */
    private static final int MAX_SLICES = 16;

    private final KernelLauncher launcher;

    ConvRoutine(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    void im2col(DeviceBuffer col, DeviceBuffer x, Conv2dShape s) {
        launcher.rangeGrouped(Kernels.IM2COL, new long[] {s.n(), s.patch()}, geometry(s, col, x));
    }

    void col2im(DeviceBuffer dx, DeviceBuffer col, Conv2dShape s) {
        launcher.rangeGrouped(Kernels.COL2IM, new long[] {ceilDiv(s.w(), DIRECT_COLUMNS), s.h(),
            (long) s.n() * s.cin()}, geometry(s, dx, col));
    }

    void swapLeadingAxes(DeviceBuffer dst, DeviceBuffer src, int a, int b, int inner) {
        long lanes = launcher.tuning().streamsRuns() ? 1 : inner;
        launcher.rangeGrouped(Kernels.SWAP_LEADING_AXES, new long[] {lanes, b, a}, dst, src, a, b, inner);
    }

    void swapLeadingAxesAddBias(DeviceBuffer dst, DeviceBuffer src, DeviceBuffer bias, int a, int b, int inner,
            boolean relu) {
        long lanes = launcher.tuning().streamsRuns() ? 1 : inner;
        launcher.rangeGrouped(Kernels.SWAP_LEADING_AXES_ADD_BIAS, new long[] {lanes, b, a}, dst, src, bias, a, b,
                inner, relu ? 1 : 0);
    }

    void directForward(DeviceBuffer y, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer bias, Conv2dShape s,
            boolean relu) {
        launcher.rangeGrouped(Kernels.CONV_DIRECT_FORWARD, new long[] {s.outH(), s.n()},
                geometry(s, y, x, weight, bias, s.cout(), relu ? 1 : 0));
    }

    /**
     * dWeight and dBias accumulate the direct convolution's parameter gradients in two passes: partial sums per
     * (output channel, tap, image slice, output column), then their sum in index order, so the result is the same
     * on every run.
     */
    void directBackward(DeviceBuffer dWeight, DeviceBuffer dBias, DeviceBuffer dy, DeviceBuffer x, Conv2dShape s) {
        int slices = Math.min(s.n(), MAX_SLICES);
        int columns = (int) roundUp(s.outW(), DIRECT_COLUMNS);
        long parts = (long) slices * columns;
        int taps = s.patch() + 1;
        try (DeviceBuffer partial = launcher.allocate(4L * s.cout() * taps * parts)) {
            // Work-items heavy enough (whole image slices) for groups of one to cost nothing.
            launcher.rangeInGroups(Kernels.CONV_DIRECT_BACKWARD_PARTIAL,
                    new long[] {columns / DIRECT_COLUMNS, slices, ceilDiv(s.cout(), KernelTuning.DIRECT_CO_BLOCK)},
                    new long[] {1, 1, 1},
                    geometry(s, partial, dy, x, s.cout(), slices, columns));
            launcher.rangeGrouped(Kernels.CONV_DIRECT_BACKWARD_SUM, new long[] {taps, s.cout()}, dWeight, dBias,
                    partial, s.cout(), s.patch(), (int) parts);
        }
    }

    /** The kernel arguments {@code leading} followed by the geometry conv.cl's CONV_ARGS declare. */
    private static Object[] geometry(Conv2dShape s, Object... leading) {
        int[] sizes = {s.n(), s.cin(), s.h(), s.w(), s.kh(), s.kw(), s.sh(), s.sw(), s.ph(), s.pw(), s.outH(),
            s.outW()};
        Object[] args = new Object[leading.length + sizes.length];
        System.arraycopy(leading, 0, args, 0, leading.length);
        for (int i = 0; i < sizes.length; i++) {
            args[leading.length + i] = sizes[i];
        }
        return args;
    }
}
