package dev.clnn.backend.opencl;

import dev.clnn.backend.opencl.tuning.KernelDefine;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import java.util.List;

/**
 * The kernel files of kernels/ and the {@code -D} macros each one takes from the host. Every macro listed here has an
 * {@code #ifndef} default in its file, so the file also builds alone; {@link KernelTuning#define} supplies the
 * values, so each constant has one home on the host.
 */
public enum KernelFile {
    MEMORY("memory.cl"),
    GEMM_GPU("gemm_gpu.cl", KernelDefine.MWG, KernelDefine.NWG, KernelDefine.KWG, KernelDefine.MDIMC,
            KernelDefine.NDIMC, KernelDefine.VWM, KernelDefine.VWN, KernelDefine.KWI, KernelDefine.STRM,
            KernelDefine.STRN, KernelDefine.SA, KernelDefine.SB, KernelDefine.PACK_EDGE),
    GEMM_BLOCKED("gemm_blocked.cl", KernelDefine.VW, KernelDefine.RM, KernelDefine.WN, KernelDefine.PACK_TILE),
    BIAS("bias.cl", KernelDefine.BIAS_LOCAL),
    CONV("conv.cl", KernelDefine.DIRECT_MAX_PATCH, KernelDefine.DIRECT_CO_BLOCK, KernelDefine.DIRECT_OUT_BLOCK),
    RELU("relu.cl", KernelDefine.RELU_RUN),
    DROPOUT("dropout.cl"),
    POOL("pool.cl"),
    SOFTMAX_XENT("softmax_xent.cl", KernelDefine.XENT_LOCAL),
    MSE("mse.cl"),
    KL_DIV("kl_div.cl"),
    LOG_SOFTMAX("log_softmax.cl", KernelDefine.LOG_SOFTMAX_LOCAL),
    REDUCE("reduce.cl", KernelDefine.REDUCE_LOCAL),
    BATCH_NORM("batchnorm.cl", KernelDefine.BN_LOCAL, KernelDefine.BN_STREAM),
    SGD("sgd.cl"),
    CLIP("clip.cl"),
    // sqrt and division rounded as Java's, so the update is bit for bit the reference's.
    ADAM("adam.cl", "-cl-fp32-correctly-rounded-divide-sqrt", KernelDefine.ADAM_RUN),
    METRICS("metrics.cl"),
    ALL_REDUCE("allreduce.cl", KernelDefine.SUM_WIDTH);

    private final String fileName;
    private final List<KernelDefine> defines;
    private final String flags;

    KernelFile(String fileName, KernelDefine... defines) {
        this(fileName, "", defines);
    }

    KernelFile(String fileName, String flags, KernelDefine... defines) {
        this.fileName = fileName;
        this.flags = flags;
        this.defines = List.of(defines);
    }

    /** Build options other than macros that the file always takes, or "". */
    public String flags() {
        return flags;
    }

    /** The file name under kernels/, e.g. {@code gemm_blocked.cl}. */
    public String fileName() {
        return fileName;
    }

    /** The macros the host sets with {@code -D}, in the order they appear in the build options. */
    public List<KernelDefine> defines() {
        return defines;
    }
}
