package dev.clnn.backend;

/**
 * Every OpenCL kernel the backend dispatches, with the file it lives in. A native test builds every file and creates
 * every kernel listed here, so a renamed kernel fails in CI rather than in a user's training run.
 */
public enum Kernels {
    FILL_F32("memory.cl", "fill_f32"),
    FILL_I32("memory.cl", "fill_i32"),
    COPY_F32("memory.cl", "copy_f32"),
    GEMM_TILED("matmul.cl", "gemm_tiled"),
    PACK_A("gemm_blocked.cl", "pack_a"),
    PACK_B("gemm_blocked.cl", "pack_b"),
    GEMM_BLOCKED("gemm_blocked.cl", "gemm_blocked"),
    GEMM_BLOCKED_PARTIAL("gemm_blocked.cl", "gemm_blocked_partial"),
    GEMM_SUM_SPLITS("gemm_blocked.cl", "gemm_sum_splits"),
    BIAS_ADD_FORWARD("bias.cl", "bias_add_forward"),
    BIAS_ADD_BACKWARD("bias.cl", "bias_add_backward"),
    IM2COL("conv.cl", "im2col"),
    COL2IM("conv.cl", "col2im"),
    SWAP_LEADING_AXES("conv.cl", "swap_leading_axes"),
    RELU_FORWARD("relu.cl", "relu_forward"),
    RELU_BACKWARD("relu.cl", "relu_backward"),
    MAX_POOL_FORWARD("pool.cl", "max_pool_forward"),
    MAX_POOL_BACKWARD("pool.cl", "max_pool_backward"),
    AVG_POOL_FORWARD("pool.cl", "avg_pool_forward"),
    AVG_POOL_BACKWARD("pool.cl", "avg_pool_backward"),
    MAX_POOL_BACKWARD_SCATTER("pool.cl", "max_pool_backward_scatter"),
    AVG_POOL_BACKWARD_SCATTER("pool.cl", "avg_pool_backward_scatter"),
    SOFTMAX_XENT_FORWARD("softmax_xent.cl", "softmax_xent_forward"),
    SOFTMAX_XENT_BACKWARD("softmax_xent.cl", "softmax_xent_backward"),
    MSE_FORWARD_TERMS("mse.cl", "mse_forward_terms"),
    MSE_BACKWARD("mse.cl", "mse_backward"),
    KL_DIV_FORWARD_TERMS("kl_div.cl", "kl_div_forward_terms"),
    KL_DIV_BACKWARD("kl_div.cl", "kl_div_backward"),
    REDUCE_SUM("reduce.cl", "reduce_sum"),
    SGD_UPDATE("sgd.cl", "sgd_update"),
    SGD_MOMENTUM_UPDATE("sgd.cl", "sgd_momentum_update"),
    ARGMAX_ROWS("metrics.cl", "argmax_rows"),
    COUNT_CORRECT("metrics.cl", "count_correct");

    private final String file;
    private final String kernelName;

    Kernels(String file, String kernelName) {
        this.file = file;
        this.kernelName = kernelName;
    }

    public String file() {
        return file;
    }

    public String kernelName() {
        return kernelName;
    }
}
