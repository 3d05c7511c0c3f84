package dev.clnn.backend.opencl;

import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelDefine;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import java.util.StringJoiner;

/**
 * Every OpenCL kernel the backend launches: the registry. Each entry names its file and kernel. Launches go through
 * {@code KernelLauncher}, which takes the build options from {@link #buildOptions(KernelTuning)}. A native test builds
 * every file and creates every entry, and the Oclgrind workload runs every entry, so a renamed kernel fails in CI
 * rather than in a user's training run.
 */
public enum Kernels {
    COPY_F32(KernelFile.MEMORY, "copy_f32"),
    GEMM_GPU_PACK(KernelFile.GEMM_GPU, "gemm_gpu_pack"),
    GEMM_GPU(KernelFile.GEMM_GPU, "gemm_gpu"),
    PACK_OPERAND(KernelFile.GEMM_BLOCKED, "pack_operand"),
    GEMM_BLOCKED(KernelFile.GEMM_BLOCKED, "gemm_blocked"),
    GEMM_BLOCKED_PARTIAL(KernelFile.GEMM_BLOCKED, "gemm_blocked_partial"),
    GEMM_SUM_SPLITS(KernelFile.GEMM_BLOCKED, "gemm_sum_splits"),
    BIAS_ADD_FORWARD(KernelFile.BIAS, "bias_add_forward"),
    BIAS_ADD_BACKWARD(KernelFile.BIAS, "bias_add_backward"),
    BIAS_ADD_BACKWARD_ROWS(KernelFile.BIAS, "bias_add_backward_rows"),
    IM2COL(KernelFile.CONV, "im2col"),
    COL2IM(KernelFile.CONV, "col2im"),
    SWAP_LEADING_AXES(KernelFile.CONV, "swap_leading_axes"),
    SWAP_LEADING_AXES_ADD_BIAS(KernelFile.CONV, "swap_leading_axes_add_bias"),
    CONV_DIRECT_FORWARD(KernelFile.CONV, "conv_direct_forward"),
    CONV_DIRECT_BACKWARD_PARTIAL(KernelFile.CONV, "conv_direct_backward_partial"),
    CONV_DIRECT_BACKWARD_SUM(KernelFile.CONV, "conv_direct_backward_sum"),
    RELU_FORWARD(KernelFile.RELU, "relu_forward"),
    RELU_BACKWARD(KernelFile.RELU, "relu_backward"),
    DROPOUT_FORWARD(KernelFile.DROPOUT, "dropout_forward"),
    DROPOUT_BACKWARD(KernelFile.DROPOUT, "dropout_backward"),
    MAX_POOL_FORWARD(KernelFile.POOL, "max_pool_forward"),
    MAX_POOL_BACKWARD(KernelFile.POOL, "max_pool_backward"),
    AVG_POOL_FORWARD(KernelFile.POOL, "avg_pool_forward"),
    AVG_POOL_BACKWARD(KernelFile.POOL, "avg_pool_backward"),
    MAX_POOL_BACKWARD_SCATTER(KernelFile.POOL, "max_pool_backward_scatter"),
    AVG_POOL_BACKWARD_SCATTER(KernelFile.POOL, "avg_pool_backward_scatter"),
    MAX_POOL_FORWARD_2X2(KernelFile.POOL, "max_pool_forward_2x2"),
    MAX_POOL_BACKWARD_2X2(KernelFile.POOL, "max_pool_backward_2x2"),
    AVG_POOL_FORWARD_2X2(KernelFile.POOL, "avg_pool_forward_2x2"),
    AVG_POOL_BACKWARD_2X2(KernelFile.POOL, "avg_pool_backward_2x2"),
    SOFTMAX_XENT_FORWARD(KernelFile.SOFTMAX_XENT, "softmax_xent_forward"),
    SOFTMAX_XENT_BACKWARD(KernelFile.SOFTMAX_XENT, "softmax_xent_backward"),
    MSE_FORWARD_TERMS(KernelFile.MSE, "mse_forward_terms"),
    MSE_BACKWARD(KernelFile.MSE, "mse_backward"),
    KL_DIV_FORWARD_TERMS(KernelFile.KL_DIV, "kl_div_forward_terms"),
    KL_DIV_BACKWARD(KernelFile.KL_DIV, "kl_div_backward"),
    LOG_SOFTMAX_FORWARD(KernelFile.LOG_SOFTMAX, "log_softmax_forward"),
    LOG_SOFTMAX_BACKWARD(KernelFile.LOG_SOFTMAX, "log_softmax_backward"),
    REDUCE_SUM(KernelFile.REDUCE, "reduce_sum"),
    SUM_SQUARES(KernelFile.REDUCE, "sum_squares"),
    CLIP_GRAD_NORM(KernelFile.CLIP, "clip_grad_norm"),
    BATCH_NORM_FORWARD(KernelFile.BATCH_NORM, "batch_norm_forward"),
    BATCH_NORM_EVAL_FORWARD(KernelFile.BATCH_NORM, "batch_norm_eval_forward"),
    BATCH_NORM_BACKWARD(KernelFile.BATCH_NORM, "batch_norm_backward"),
    SGD_UPDATE(KernelFile.SGD, "sgd_update"),
    SGD_MOMENTUM_UPDATE(KernelFile.SGD, "sgd_momentum_update"),
    ADAM_UPDATE(KernelFile.ADAM, "adam_update"),
    ARGMAX_ROWS(KernelFile.METRICS, "argmax_rows"),
    COUNT_CORRECT(KernelFile.METRICS, "count_correct"),
    WEIGHTED_SUM_ALL(KernelFile.ALL_REDUCE, "weighted_sum_all");

    private final KernelFile file;
    private final String kernelName;

    Kernels(KernelFile file, String kernelName) {
        this.file = file;
        this.kernelName = kernelName;
    }

    public KernelFile file() {
        return file;
    }

    public String kernelName() {
        return kernelName;
    }

    /**
     * The {@code -D} options this kernel is built with under {@code tuning}: one per macro its file takes
     * ({@link KernelFile#defines}), e.g. {@code -DREDUCE_LOCAL=256}, after the file's fixed
     * {@link KernelFile#flags}; empty for files with neither.
     * gemm_blocked.cl's macros come from the {@link GemmClass#LARGE} configuration; {@link #buildOptions(KernelTuning,
     * GemmConfig)} gives them for the configuration a product was given.
     */
    public String buildOptions(KernelTuning tuning) {
        return buildOptions(tuning, tuning.gemm().of(GemmClass.LARGE));
    }

    /** As {@link #buildOptions(KernelTuning)}, with gemm_blocked.cl's macros (VW, RM, WN) from {@code gemmConfig}. */
    public String buildOptions(KernelTuning tuning, GemmConfig gemmConfig) {
        StringJoiner options = new StringJoiner(" ");
        if (!file.flags().isEmpty()) {
            options.add(file.flags());
        }
        for (KernelDefine define : file.defines()) {
            options.add("-D" + define.name() + "=" + tuning.define(define, gemmConfig));
        }
        return options.toString();
    }
}
