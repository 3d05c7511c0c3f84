package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpChecks;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.DeviceBuffer;

/**
 * GEMM on an OpenCL backend's device with gemm_gpu in one given {@link GpuGemmConfig}, whatever the backend's tuning
 * chose: what a tuner runs to measure a candidate. The kernels are those of {@link GpuGemmRoutine} (packing, then
 * the tiled kernel), built with the candidate's options on first use. It runs on any device, CPUs included, as
 * {@link KernelTuning#GEMM_KERNEL_PROPERTY} does.
 */
public final class ConfiguredGpuGemm {
    private final OpenClBackend backend;
    private final GpuGemmConfig config;
    private final GpuGemmRoutine routine;

    public ConfiguredGpuGemm(OpenClBackend backend, GpuGemmConfig config) {
        this.backend = backend;
        this.config = config;
        this.routine = new GpuGemmRoutine(backend.launcher().forGpuGemm(config));
    }

    public GpuGemmConfig config() {
        return config;
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C, as {@link Backend#gemm} (same arguments and checks), enqueued without waiting.
     */
    public void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta) {
        OpChecks.gemm(c, a, b, transA, transB, m, n, k);
        routine.gemm(buffer(c), buffer(a), buffer(b), transA, transB, m, n, k, alpha, beta);
    }

    private DeviceBuffer buffer(Tensor t) {
        if (!(t instanceof ClTensor cl)) {
            throw new IllegalArgumentException("tensor " + t + " is not on " + backend.name());
        }
        return cl.buffer;
    }
}
