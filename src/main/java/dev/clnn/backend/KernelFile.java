package dev.clnn.backend;

import java.util.List;

/**
 * The kernel files of kernels/ and the {@code -D} macros each one takes from the host. Every macro listed here has an
 * {@code #ifndef} default in its file, so the file also builds alone; {@link KernelTuning#buildOptions} supplies the
 * values, so each constant has one home on the host.
 */
public enum KernelFile {
    MEMORY("memory.cl"),
    MATMUL("matmul.cl", Define.TS, Define.TRANS_A, Define.TRANS_B),
    GEMM_BLOCKED("gemm_blocked.cl", Define.VW, Define.RM, Define.WN, Define.PACK_TILE),
    BIAS("bias.cl", Define.BIAS_LOCAL),
    CONV("conv.cl", Define.DIRECT_MAX_PATCH, Define.DIRECT_CO_BLOCK),
    RELU("relu.cl"),
    POOL("pool.cl"),
    SOFTMAX_XENT("softmax_xent.cl"),
    MSE("mse.cl"),
    KL_DIV("kl_div.cl"),
    REDUCE("reduce.cl", Define.REDUCE_LOCAL),
    SGD("sgd.cl"),
    METRICS("metrics.cl");

    /** A build-time macro of a kernel file; the names are those of the {@code #ifndef}s in kernels/. */
    public enum Define {
        /** matmul.cl: edge of gemm_tiled's square local-memory tile. */
        TS,
        /** matmul.cl: 1 when A is stored transposed. */
        TRANS_A,
        /** matmul.cl: 1 when B is stored transposed. */
        TRANS_B,
        /** gemm_blocked.cl: lanes of the column vectors (float4, float8 or float16). */
        VW,
        /** gemm_blocked.cl: rows of C per work-item. */
        RM,
        /** gemm_blocked.cl: column vectors per work-item. */
        WN,
        /** gemm_blocked.cl: edge of the square tile one packing work-item moves. */
        PACK_TILE,
        /** reduce.cl: work-group size of reduce_sum. */
        REDUCE_LOCAL,
        /** bias.cl: work-group size of bias_add_backward. */
        BIAS_LOCAL,
        /** conv.cl: most taps (cin·kh·kw) of the direct convolution. */
        DIRECT_MAX_PATCH,
        /** conv.cl: output channels per work-item of the direct convolution's parameter gradient. */
        DIRECT_CO_BLOCK
    }

    private final String fileName;
    private final List<Define> defines;

    KernelFile(String fileName, Define... defines) {
        this.fileName = fileName;
        this.defines = List.of(defines);
    }

    /** The file name under kernels/, e.g. {@code matmul.cl}. */
    public String fileName() {
        return fileName;
    }

    /** The macros the host sets with {@code -D}, in the order they appear in the build options. */
    public List<Define> defines() {
        return defines;
    }
}
