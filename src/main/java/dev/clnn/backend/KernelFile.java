package dev.clnn.backend;

import java.util.List;

/**
 * The kernel files of kernels/ and the {@code -D} macros each one takes from the host. Every macro listed here has an
 * {@code #ifndef} default in its file, so the file also builds alone; {@link KernelTuning#buildOptions} supplies the
 * values, so each constant has one home on the host.
 */
public enum KernelFile {
    MEMORY("memory.cl"),
    GEMM_GPU("gemm_gpu.cl", Define.MWG, Define.NWG, Define.KWG, Define.MDIMC, Define.NDIMC, Define.VWM, Define.VWN,
            Define.KWI, Define.STRM, Define.STRN, Define.SA, Define.SB, Define.PACK_EDGE),
    GEMM_BLOCKED("gemm_blocked.cl", Define.VW, Define.RM, Define.WN, Define.PACK_TILE),
    BIAS("bias.cl", Define.BIAS_LOCAL),
    CONV("conv.cl", Define.DIRECT_MAX_PATCH, Define.DIRECT_CO_BLOCK, Define.DIRECT_OUT_BLOCK),
    RELU("relu.cl", Define.RELU_RUN),
    POOL("pool.cl"),
    SOFTMAX_XENT("softmax_xent.cl", Define.XENT_LOCAL),
    MSE("mse.cl"),
    KL_DIV("kl_div.cl"),
    REDUCE("reduce.cl", Define.REDUCE_LOCAL),
    SGD("sgd.cl"),
    METRICS("metrics.cl"),
    ALL_REDUCE("allreduce.cl");

    /** A build-time macro of a kernel file; the names are those of the {@code #ifndef}s in kernels/. */
    public enum Define {
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
        /** bias.cl: work-group size of bias_add_backward. */
        BIAS_LOCAL,
        /** conv.cl: most taps (cin·kh·kw) of the direct convolution. */
        DIRECT_MAX_PATCH,
        /** conv.cl: output channels per work-item of the direct convolution's parameter gradient. */
        DIRECT_CO_BLOCK,
        /** conv.cl: output channels a work-item of the direct convolution's forward pass computes at once. */
        DIRECT_OUT_BLOCK,
        /** relu.cl: elements per work-item of relu_forward. */
        RELU_RUN
    }

    private final String fileName;
    private final List<Define> defines;

    KernelFile(String fileName, Define... defines) {
        this.fileName = fileName;
        this.defines = List.of(defines);
    }

    /** The file name under kernels/, e.g. {@code gemm_blocked.cl}. */
    public String fileName() {
        return fileName;
    }

    /** The macros the host sets with {@code -D}, in the order they appear in the build options. */
    public List<Define> defines() {
        return defines;
    }
}
