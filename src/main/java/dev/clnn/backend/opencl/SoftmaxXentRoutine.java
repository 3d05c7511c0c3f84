package dev.clnn.backend.opencl;

import dev.clnn.device.DeviceBuffer;

/**
 * softmax_xent_forward on an OpenCL device: one work-group computes the rows' probabilities, their gradient when
 * asked, and the sum of their losses (softmax_xent.cl), so a training step's loss is one launch of one kernel, with
 * neither reduce_sum nor softmax_xent_backward (on POCL each distinct kernel costs a cold first step a code
 * generation). The arguments are checked by {@link OpenClBackend}.
 */
final class SoftmaxXentRoutine {
    private final KernelLauncher launcher;

    SoftmaxXentRoutine(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** loss = mean row loss, probs = softmax(logits), and dLogits unless it is null. */
    void forward(DeviceBuffer loss, DeviceBuffer probs, DeviceBuffer dLogits, DeviceBuffer logits, DeviceBuffer labels,
            int n, int classes) {
        long[] group = {launcher.tuning().reduceLocal()};
        // Without a gradient, probs stands in for dLogits, which the kernel does not touch then.
        launcher.launch(Kernels.SOFTMAX_XENT_FORWARD, group, group, probs, dLogits == null ? probs : dLogits, loss,
                logits, labels, n, classes, 1f / n, dLogits == null ? 0 : 1);
    }
}
