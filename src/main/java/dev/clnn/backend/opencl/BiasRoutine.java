package dev.clnn.backend.opencl;

import static dev.clnn.backend.opencl.KernelLauncher.ceilDiv;

import dev.clnn.device.DeviceBuffer;

/**
 * The per-channel bias kernels of bias.cl on an OpenCL device. The gradient of a linear layer's bias (inner = 1: the
 * channels are the contiguous axis) sums down columns, 8 channels per work-item; other layouts (a convolution's
 * channel planes) take a work-group per channel. The arguments are checked by {@link OpenClBackend}.
 */
final class BiasRoutine {
    /** Channels one work-item of bias_add_backward_rows sums: the float8 of bias.cl. */
    private static final int ROW_CHANNELS = 8;

    private final KernelLauncher launcher;

    BiasRoutine(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    void forward(DeviceBuffer y, DeviceBuffer b, int outer, int channels, int inner, boolean relu) {
        launcher.rangeGrouped(Kernels.BIAS_ADD_FORWARD, new long[] {inner, channels, outer}, y, b, outer, channels,
                inner, relu ? 1 : 0);
    }

    void backward(DeviceBuffer db, DeviceBuffer dy, int outer, int channels, int inner) {
        if (inner == 1) {
            // Ungated: dy stands in for the gate and dx, which the kernel does not touch then.
            launcher.range(Kernels.BIAS_ADD_BACKWARD_ROWS, new long[] {ceilDiv(channels, ROW_CHANNELS)}, db, dy, dy,
                    dy, outer, channels, 0);
            return;
        }
        int local = launcher.tuning().biasLocal();
        launcher.launch(Kernels.BIAS_ADD_BACKWARD, new long[] {(long) channels * local}, new long[] {local}, db, dy,
                outer, channels, inner);
    }

    /**
     * dx = reluOutput &lt;= 0 ? 0 : dy and db += its column sums over (n, channels), in the same kernel (and so the
     * same code generation on POCL) as an ungated linear layer's bias gradient.
     */
    void reluBackwardRows(DeviceBuffer dx, DeviceBuffer db, DeviceBuffer dy, DeviceBuffer reluOutput, int n,
            int channels) {
        launcher.range(Kernels.BIAS_ADD_BACKWARD_ROWS, new long[] {ceilDiv(channels, ROW_CHANNELS)}, db, dy,
                reluOutput, dx, n, channels, 1);
    }
}
