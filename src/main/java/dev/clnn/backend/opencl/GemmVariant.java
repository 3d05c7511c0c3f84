package dev.clnn.backend.opencl;

/** The three ways {@link GemmRoutine} computes a product; each is tested against the reference on its own. */
enum GemmVariant {
    /**
     * gemm_gpu_pack, then gemm_gpu (gemm_gpu.cl): work-groups share local-memory slices of A and B, each work-item
     * holds a register tile of C; the kernel for GPUs ({@link GpuGemmRoutine}).
     */
    GPU,
    /**
     * gemm_blocked, after pack_operand where an operand cannot be read in place: one register block of C per
     * work-item over the whole of K.
     */
    BLOCKED,
    /**
     * BLOCKED with K cut into chunks (gemm_blocked_partial) summed afterwards (gemm_sum_splits): for few blocks of C
     * over a long K, where one work-item per block would leave cores idle.
     */
    BLOCKED_SPLIT_K
}
