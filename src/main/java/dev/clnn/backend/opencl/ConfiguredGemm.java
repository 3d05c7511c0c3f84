package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpChecks;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.DeviceBuffer;

/**
 * GEMM on an OpenCL backend's device with one given gemm_blocked configuration for every shape, whatever the
 * backend's tuning chose: what a tuner runs to measure a candidate. The kernels are those of {@link OpenClBackend#gemm}
 * (the same routine, variants and split-K rule), built with the candidate's options on first use.
 */
public final class ConfiguredGemm {
    private final OpenClBackend backend;
    private final GemmConfig config;
    private final KernelTuning tuning;
    private final GemmRoutine routine;

    /** @throws IllegalArgumentException on a device that does not use gemm_blocked (GPUs) */
    public ConfiguredGemm(OpenClBackend backend, GemmConfig config) {
        if (!backend.tuning().blockedGemm()) {
            throw new IllegalArgumentException("gemm_blocked configurations do not apply to " + backend.name()
                    + ", which uses " + backend.tuning().gemmChoice());
        }
        this.backend = backend;
        this.config = config;
        KernelLauncher launcher = backend.launcher().forGemm(config);
        this.tuning = launcher.tuning();
        this.routine = new GemmRoutine(launcher);
    }

    public GemmConfig config() {
        return config;
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C, as {@link Backend#gemm} (same arguments and checks), enqueued without waiting.
     */
    public void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta) {
        OpChecks.gemm(c, a, b, transA, transB, m, n, k);
        GemmVariant variant = GemmRoutine.variant(tuning, m, n, k);
        routine.gemm(buffer(c), buffer(a), buffer(b), transA, transB, m, n, k, alpha, beta, variant);
    }

    private DeviceBuffer buffer(Tensor t) {
        if (!(t instanceof ClTensor cl)) {
            throw new IllegalArgumentException("tensor " + t + " is not on " + backend.name());
        }
        return cl.buffer;
    }
}
