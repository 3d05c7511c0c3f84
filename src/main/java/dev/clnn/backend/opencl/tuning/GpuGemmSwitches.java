package dev.clnn.backend.opencl.tuning;

import dev.clnn.device.DeviceInfo;
import java.util.Locale;

/**
 * The switches that force gemm_gpu: {@link KernelTuning#GEMM_KERNEL_PROPERTY} picks the GEMM kernel whatever the
 * device's type (so POCL's CPU device can run the GPU kernel in tests and in the device check), and
 * {@link KernelTuning#GPU_GEMM_PROPERTY} its configuration; each has an environment variable read when the
 * property is unset.
 */
final class GpuGemmSwitches {
    private GpuGemmSwitches() {
    }

    /**
     * {@code tuning} with the switches that are set applied.
     *
     * @throws IllegalArgumentException naming the switch whose value is not {@code gpu}/{@code cpu}, does not parse
     *                                  or exceeds one of {@code info}'s limits
     */
    static KernelTuning apply(KernelTuning tuning, DeviceInfo info) {
        KernelTuning out = tuning;
        String config = KernelTuning.setting(KernelTuning.GPU_GEMM_PROPERTY, KernelTuning.GPU_GEMM_ENV);
        if (config != null) {
            try {
                GpuGemmConfig forced = GpuGemmConfig.parse(config);
                KernelTuning.refuseUnfit(forced, forced.problem(info));
                out = out.withGpuGemm(forced);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(KernelTuning.GPU_GEMM_PROPERTY + "/" + KernelTuning.GPU_GEMM_ENV
                        + ": " + e.getMessage(), e);
            }
        }
        String kernel = KernelTuning.setting(KernelTuning.GEMM_KERNEL_PROPERTY, KernelTuning.GEMM_KERNEL_ENV);
        if (kernel != null) {
            out = switch (kernel.toLowerCase(Locale.ROOT)) {
                case "gpu" -> out.withBlockedGemm(false);
                case "cpu" -> out.withBlockedGemm(true);
                default -> throw new IllegalArgumentException(KernelTuning.GEMM_KERNEL_PROPERTY + "/"
                        + KernelTuning.GEMM_KERNEL_ENV + ": '" + kernel + "' is neither gpu nor cpu");
            };
        }
        return out;
    }
}
