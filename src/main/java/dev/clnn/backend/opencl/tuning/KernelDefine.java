package dev.clnn.backend.opencl.tuning;

/**
 * A build-time macro of a kernel file, the names those of the {@code #ifndef}s in kernels/: the tunables whose values
 * {@link KernelTuning#define} gives. Which file takes which is the kernel registry's business.
 */
public enum KernelDefine {
    /** gemm_gpu.cl: rows of C per work-group. */
    MWG,
    /** gemm_gpu.cl: columns of C per work-group. */
    NWG,
    /** gemm_gpu.cl: depth along K of the local-memory slices. */
    KWG,
    /** gemm_gpu.cl: work-items along M. */
    MDIMC,
    /** gemm_gpu.cl: work-items along N. */
    NDIMC,
    /** gemm_gpu.cl: vector width of A's loads. */
    VWM,
    /** gemm_gpu.cl: vector width of B's loads. */
    VWN,
    /** gemm_gpu.cl: K steps unrolled in the inner loop. */
    KWI,
    /** gemm_gpu.cl: 1 when a work-item's rows are strided across the group. */
    STRM,
    /** gemm_gpu.cl: 1 when a work-item's columns are strided across the group. */
    STRN,
    /** gemm_gpu.cl: 1 when A goes through local memory. */
    SA,
    /** gemm_gpu.cl: 1 when B goes through local memory. */
    SB,
    /** gemm_gpu.cl: edge of gemm_gpu_pack's square work-group. */
    PACK_EDGE,
    /** gemm_blocked.cl: lanes of the column vectors (float4, float8 or float16). */
    VW,
    /** gemm_blocked.cl: rows of C per work-item. */
    RM,
    /** gemm_blocked.cl: column vectors per work-item. */
    WN,
    /** gemm_blocked.cl: steps along K one packing work-item moves. */
    PACK_TILE,
    /** reduce.cl: work-group size of reduce_sum. */
    REDUCE_LOCAL,
    /** softmax_xent.cl: work-group size of softmax_xent_forward (the tuning's REDUCE_LOCAL). */
    XENT_LOCAL,
    /** log_softmax.cl: work-items per row of log_softmax_forward and log_softmax_backward (the tuning's REDUCE_LOCAL). */
    LOG_SOFTMAX_LOCAL,
    /** batchnorm.cl: work-items per channel of batch_norm_forward and batch_norm_backward (the tuning's REDUCE_LOCAL). */
    BN_LOCAL,
    /** batchnorm.cl: 1 when a work-item walks a contiguous share of its channel (CPUs), 0 interleaved (GPUs). */
    BN_STREAM,
    /** bias.cl: work-group size of bias_add_backward. */
    BIAS_LOCAL,
    /** conv.cl: most taps (cin·kh·kw) of the direct convolution. */
    DIRECT_MAX_PATCH,
    /** conv.cl: output channels per work-item of the direct convolution's parameter gradient. */
    DIRECT_CO_BLOCK,
    /** conv.cl: output channels a work-item of the direct convolution's forward pass computes at once. */
    DIRECT_OUT_BLOCK,
    /** relu.cl: elements per work-item of relu_forward. */
    RELU_RUN,
    /** adam.cl: elements per work-item of adam_update. */
    ADAM_RUN,
    /** allreduce.cl: elements per work-item of weighted_sum_all, one vector load per buffer. */
    SUM_WIDTH
}
