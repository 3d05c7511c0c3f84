package dev.clnn.backend;

import dev.clnn.device.ClDevice;
import dev.clnn.device.ClKernel;
import dev.clnn.device.DeviceBuffer;
import dev.clnn.device.DeviceException;
import java.util.function.Supplier;

/**
 * The OpenCL backend: each op checks its arguments (the same checks as {@link CpuBackend}), then enqueues the
 * kernels of kernels/ without waiting. Only the {@code read} methods and {@link #synchronize} wait for the device.
 * Several threads may share one instance: each kernel launch sets its arguments and enqueues atomically, and the
 * buffer pool and program cache are synchronised (TwoThreadsTest trains two models at once and gets the sequential
 * results bit for bit). A model, its layers and its optimiser hold per-step state and belong to one thread at a time.
 */
public final class OpenClBackend implements Backend {
    /** More partial sums than this gain nothing on the devices we target; the second pass sums them. */
    private static final int MAX_REDUCE_GROUPS = 64;

    private final ClDevice device;
    private final KernelTuning tuning;
    private final int elementwiseLocal;
    private final int reduceLocal;
    private final int biasLocal;
    private final int tile;

    public OpenClBackend(ClDevice device) {
        this.device = device;
        this.tuning = KernelTuning.forDevice(device.info());
        this.elementwiseLocal = tuning.elementwiseLocal();
        this.reduceLocal = tuning.reduceLocal();
        this.biasLocal = tuning.biasLocal();
        this.tile = tuning.tile();
    }

    /** Opens the device a selector names ({@code opencl}, {@code opencl:P:D} or a name substring). */
    public static OpenClBackend open(String selector) {
        return new OpenClBackend(ClDevice.open(ClDevice.select(selector)));
    }

    public ClDevice device() {
        return device;
    }

    @Override
    public String name() {
        return device.info().toString();
    }

    /** The kernel variants and tunables chosen for this device. */
    public KernelTuning tuning() {
        return tuning;
    }

    /** The -D build options each kernel file is compiled with on this device. */
    String options(String file) {
        return tuning.buildOptions(file);
    }

    private ClKernel kernel(Kernels k) {
        return device.kernel(k.file(), k.kernelName(), options(k.file()));
    }

    // ---- storage ------------------------------------------------------------------------------------------------

    @Override
    public Tensor empty(DType dtype, int... shape) {
        int count = Shapes.elementCount(shape);
        // A zero-element tensor still gets a (minimal) buffer so every tensor is backed by valid memory.
        DeviceBuffer buffer = device.allocate(4L * Math.max(count, 1));
        return new ClTensor(dtype, shape, buffer, true);
    }

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        Tensor t = empty(DType.F32, shape);
        write(t, data);
        return t;
    }

    @Override
    public Tensor fromArray(int[] data, int... shape) {
        Tensor t = empty(DType.I32, shape);
        write(t, data);
        return t;
    }

    @Override
    public void write(Tensor dst, float[] data) {
        Shapes.check("write", "destination", dst, DType.F32, data.length, "the host array");
        device.write(buf(dst), data);
    }

    @Override
    public void write(Tensor dst, int[] data) {
        Shapes.check("write", "destination", dst, DType.I32, data.length, "the host array");
        device.write(buf(dst), data);
    }

    @Override
    public float[] readFloats(Tensor src) {
        Shapes.check("readFloats", "source", src, DType.F32, src.size(), "the tensor");
        float[] out = new float[src.size()];
        device.read(buf(src), out);
        return out;
    }

    @Override
    public int[] readInts(Tensor src) {
        Shapes.check("readInts", "source", src, DType.I32, src.size(), "the tensor");
        int[] out = new int[src.size()];
        device.read(buf(src), out);
        return out;
    }

    @Override
    public void synchronize() {
        device.finish();
    }

    @Override
    public void close() {
        device.close();
    }

    // ---- memory helpers -----------------------------------------------------------------------------------------

    @Override
    public void fill(Tensor x, float value) {
        OpChecks.fill(x, DType.F32);
        run("fill", () -> x.toString(), () -> elementwise(Kernels.FILL_F32, x.size(), buf(x), value, x.size()));
    }

    @Override
    public void fill(Tensor x, int value) {
        OpChecks.fill(x, DType.I32);
        run("fill", () -> x.toString(), () -> elementwise(Kernels.FILL_I32, x.size(), buf(x), value, x.size()));
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        OpChecks.copy(dst, src);
        run("copy", () -> dst + " <- " + src,
                () -> elementwise(Kernels.COPY_F32, src.size(), buf(dst), buf(src), src.size()));
    }

    // ---- linear algebra -----------------------------------------------------------------------------------------

    /** The two GEMM kernels: a plain local-memory tile, and packing plus a register-blocked vector kernel. */
    enum GemmVariant {
        TILED,
        BLOCKED,
        /** BLOCKED with K cut into chunks summed afterwards: for few blocks of C over a long K. */
        BLOCKED_SPLIT_K
    }

    private static final int BLOCK_ROWS = KernelTuning.BLOCK_ROWS;
    private static final int BLOCK_COLUMNS = KernelTuning.BLOCK_COLUMNS;
    /**
     * Work-items per group of gemm_blocked, all on one column strip: the group's row blocks reuse that strip of B
     * from cache (on POCL, 2048² runs 2x faster with 16–32 than with 1).
     */
    private static final int BLOCKED_GROUP_ROWS = 32;
    /** Edge of the square tiles the packing kernels move (PACK_TILE in gemm_blocked.cl). */
    private static final int PACK_TILE = 16;
    /** Work-group size along dimension 0 of the multi-dimensional ranges (pooling, convolution layouts, packing). */
    private static final int RANGE_LOCAL = 16;

    /** The variant {@link #gemm} uses for these sizes on this device ({@link KernelTuning#gemmVariant}). */
    GemmVariant chooseGemm(int m, int n, int k) {
        return tuning.gemmVariant(m, n, k);
    }

    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta) {
        gemm(c, a, b, transA, transB, m, n, k, alpha, beta, chooseGemm(m, n, k));
    }

    /** GEMM with an explicit kernel variant, so tests can check each one against the reference. */
    void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta, GemmVariant variant) {
        OpChecks.gemm(c, a, b, transA, transB, m, n, k);
        run("gemm", () -> "C " + c + " A " + a + " B " + b + " m=" + m + " n=" + n + " k=" + k, () -> {
            if (variant == GemmVariant.TILED) {
                String options = options("matmul.cl") + " -DTRANS_A=" + (transA ? 1 : 0) + " -DTRANS_B="
                        + (transB ? 1 : 0);
                device.kernel("matmul.cl", "gemm_tiled", options).launch(
                        new long[] {roundUp(n, tile), roundUp(m, tile)}, new long[] {tile, tile},
                        buf(c), buf(a), buf(b), m, n, k, alpha, beta);
            } else {
                int splits = variant == GemmVariant.BLOCKED ? 1
                        : Math.max(2, Math.min(KernelTuning.splitsFor(m, n, k), k));
                gemmBlocked(buf(c), buf(a), buf(b), transA, transB, m, n, k, alpha, beta, splits);
            }
        });
    }

    private void gemmBlocked(DeviceBuffer c, DeviceBuffer a, DeviceBuffer b, boolean transA, boolean transB, int m,
            int n, int k, float alpha, float beta, int splits) {
        String file = "gemm_blocked.cl";
        String options = options(file);
        int mp = (int) roundUp(m, BLOCK_ROWS);
        int np = (int) roundUp(n, BLOCK_COLUMNS);
        // B stored (k, n) with whole column blocks already has the packed layout: use it as it is.
        boolean packB = transB || np != n;
        try (DeviceBuffer ap = device.allocate(4L * mp * k);
                DeviceBuffer packed = packB ? device.allocate(4L * k * np) : null) {
            range(device.kernel(file, "pack_a", options), new long[] {ceilDiv(k, PACK_TILE), ceilDiv(mp, PACK_TILE)},
                    ap, a, m, k, mp, transA ? 1 : 0);
            DeviceBuffer bp = packB ? packed : b;
            if (packB) {
                range(device.kernel(file, "pack_b", options),
                        new long[] {ceilDiv(np, PACK_TILE), ceilDiv(k, PACK_TILE)}, bp, b, k, n, np, transB ? 1 : 0);
            }
            int rowBlocks = mp / BLOCK_ROWS;
            if (splits > 1) {
                int chunk = (int) ceilDiv(k, splits);
                try (DeviceBuffer part = device.allocate(4L * splits * mp * np)) {
                    // One work-item per group: a runtime left to choose may put all of these few items in one
                    // group, which POCL runs on a single core.
                    device.kernel(file, "gemm_blocked_partial", options).launch(
                            new long[] {np / BLOCK_COLUMNS, rowBlocks, splits}, new long[] {1, 1, 1},
                            part, ap, bp, mp, np, k, chunk);
                    elementwise(device.kernel(file, "gemm_sum_splits", options), (long) m * n,
                            c, part, m, n, mp, np, splits, alpha, beta);
                }
                return;
            }
            // Always groups of BLOCKED_GROUP_ROWS, so POCL generates the kernel once rather than once per row count;
            // rounded-up work-items beyond the last row block return at once.
            device.kernel(file, "gemm_blocked", options).launch(
                    new long[] {np / BLOCK_COLUMNS, roundUp(rowBlocks, BLOCKED_GROUP_ROWS)},
                    new long[] {1, BLOCKED_GROUP_ROWS}, c, ap, bp, m, n, k, np, alpha, beta);
        }
    }

    @Override
    public void biasAddForward(Tensor y, Tensor b, int outer, int channels, int inner) {
        OpChecks.bias("biasAddForward", y, b, outer, channels, inner);
        run("biasAddForward", () -> "y " + y + " b " + b, () -> range(Kernels.BIAS_ADD_FORWARD,
                new long[] {inner, channels, outer}, buf(y), buf(b), outer, channels, inner));
    }

    @Override
    public void biasAddBackward(Tensor db, Tensor dy, int outer, int channels, int inner) {
        OpChecks.bias("biasAddBackward", dy, db, outer, channels, inner);
        run("biasAddBackward", () -> "db " + db + " dy " + dy, () -> kernel(Kernels.BIAS_ADD_BACKWARD).launch(
                new long[] {(long) channels * biasLocal}, new long[] {biasLocal},
                buf(db), buf(dy), outer, channels, inner));
    }

    @Override
    public void im2col(Tensor col, Tensor x, Conv2dShape s) {
        OpChecks.conv("im2col", col, x, s);
        run("im2col", s::toString, () -> conv(Kernels.IM2COL, new long[] {(long) s.n() * s.outH(), s.patch()}, s,
                buf(col), buf(x)));
    }

    @Override
    public void col2im(Tensor dx, Tensor col, Conv2dShape s) {
        OpChecks.conv("col2im", col, dx, s);
        run("col2im", s::toString, () -> conv(Kernels.COL2IM, new long[] {s.w(), s.h(), (long) s.n() * s.cin()}, s,
                buf(dx), buf(col)));
    }

    /** Launches a conv.cl kernel over {@code global} with its buffers followed by the geometry. */
    private void conv(Kernels k, long[] global, Conv2dShape s, DeviceBuffer... buffers) {
        Object[] args = new Object[buffers.length + 12];
        System.arraycopy(buffers, 0, args, 0, buffers.length);
        int at = buffers.length;
        for (int v : new int[] {s.n(), s.cin(), s.h(), s.w(), s.kh(), s.kw(), s.sh(), s.sw(), s.ph(), s.pw(),
                s.outH(), s.outW()}) {
            args[at++] = v;
        }
        range(k, global, args);
    }

    @Override
    public void swapLeadingAxes(Tensor dst, Tensor src, int a, int b, int inner) {
        OpChecks.swap(dst, src, a, b, inner);
        run("swapLeadingAxes", () -> "src " + src + " (a, b, inner) = (" + a + ", " + b + ", " + inner + ")",
                () -> range(Kernels.SWAP_LEADING_AXES, new long[] {inner, b, a}, buf(dst), buf(src), a, b, inner));
    }

    // ---- activations --------------------------------------------------------------------------------------------

    @Override
    public void reluForward(Tensor y, Tensor x, int count) {
        OpChecks.elementwise("reluForward", count, "y,x", y, x);
        run("reluForward", () -> "y " + y + " x " + x,
                () -> elementwise(Kernels.RELU_FORWARD, count, buf(y), buf(x), count));
    }

    @Override
    public void reluBackward(Tensor dx, Tensor dy, Tensor x, int count) {
        OpChecks.elementwise("reluBackward", count, "dx,dy,x", dx, dy, x);
        run("reluBackward", () -> "dx " + dx + " dy " + dy + " x " + x,
                () -> elementwise(Kernels.RELU_BACKWARD, count, buf(dx), buf(dy), buf(x), count));
    }

    // ---- pooling ------------------------------------------------------------------------------------------------

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, Pool2d p) {
        OpChecks.pool("maxPoolForward", y, x, p);
        OpChecks.argmax("maxPoolForward", argmax, p);
        run("maxPoolForward", p::toString, () -> pool(Kernels.MAX_POOL_FORWARD, true, p,
                buf(y), buf(argmax), buf(x)));
    }

    @Override
    public void maxPoolBackward(Tensor dx, Tensor dy, Tensor argmax, Pool2d p) {
        OpChecks.pool("maxPoolBackward", dy, dx, p);
        OpChecks.argmax("maxPoolBackward", argmax, p);
        run("maxPoolBackward", p::toString, () -> {
            if (windowsDisjoint(p)) {
                elementwise(Kernels.FILL_F32, dx.size(), buf(dx), 0f, dx.size());
                pool(Kernels.MAX_POOL_BACKWARD_SCATTER, true, p, buf(dx), buf(dy), buf(argmax));
            } else {
                pool(Kernels.MAX_POOL_BACKWARD, false, p, buf(dx), buf(dy), buf(argmax));
            }
        });
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, Pool2d p) {
        OpChecks.pool("avgPoolForward", y, x, p);
        run("avgPoolForward", p::toString, () -> pool(Kernels.AVG_POOL_FORWARD, true, p, buf(y), buf(x)));
    }

    @Override
    public void avgPoolBackward(Tensor dx, Tensor dy, Pool2d p) {
        OpChecks.pool("avgPoolBackward", dy, dx, p);
        run("avgPoolBackward", p::toString, () -> {
            if (windowsDisjoint(p)) {
                elementwise(Kernels.FILL_F32, dx.size(), buf(dx), 0f, dx.size());
                pool(Kernels.AVG_POOL_BACKWARD_SCATTER, true, p, buf(dx), buf(dy));
            } else {
                pool(Kernels.AVG_POOL_BACKWARD, false, p, buf(dx), buf(dy));
            }
        });
    }

    /**
     * Windows that do not overlap send each input at most one gradient, so backward can scatter from the outputs
     * (no division per element) instead of gathering; both give the reference's exact values.
     */
    static boolean windowsDisjoint(Pool2d p) {
        return p.sh() >= p.kh() && p.sw() >= p.kw();
    }

    /**
     * Launches a pool kernel with its buffers followed by the geometry, over the range (outW, outH, planes) for a
     * forward kernel or (w, h, planes) for a backward one.
     */
    private void pool(Kernels k, boolean overOutput, Pool2d p, DeviceBuffer... buffers) {
        Object[] args = new Object[buffers.length + 11];
        System.arraycopy(buffers, 0, args, 0, buffers.length);
        int at = buffers.length;
        for (int v : new int[] {p.n() * p.c(), p.h(), p.w(), p.kh(), p.kw(), p.sh(), p.sw(), p.ph(), p.pw(),
                p.outH(), p.outW()}) {
            args[at++] = v;
        }
        long planes = (long) p.n() * p.c();
        range(k, overOutput ? new long[] {p.outW(), p.outH(), planes} : new long[] {p.w(), p.h(), planes}, args);
    }

    // ---- losses -------------------------------------------------------------------------------------------------

    @Override
    public void softmaxXentForward(Tensor loss, Tensor probs, Tensor logits, Tensor labels, int n, int classes) {
        OpChecks.rows("softmaxXentForward", labels, n, classes, "probs,logits", probs, logits);
        OpChecks.scalar("softmaxXentForward", loss, DType.F32);
        run("softmaxXentForward", () -> "logits " + logits + " labels " + labels, () -> {
            try (DeviceBuffer rowLoss = device.allocate(4L * n)) {
                elementwise(Kernels.SOFTMAX_XENT_FORWARD, n, buf(probs), rowLoss, buf(logits), buf(labels), n,
                        classes);
                sumInto(buf(loss), rowLoss, n, 1f / n);
            }
        });
    }

    @Override
    public void softmaxXentBackward(Tensor dLogits, Tensor probs, Tensor labels, int n, int classes) {
        OpChecks.rows("softmaxXentBackward", labels, n, classes, "dLogits,probs", dLogits, probs);
        run("softmaxXentBackward", () -> "probs " + probs + " labels " + labels, () -> elementwise(
                Kernels.SOFTMAX_XENT_BACKWARD, n * classes, buf(dLogits), buf(probs), buf(labels), n, classes));
    }

    @Override
    public void mseForward(Tensor loss, Tensor pred, Tensor target, int count) {
        OpChecks.elementwise("mseForward", count, "pred,target", pred, target);
        OpChecks.scalar("mseForward", loss, DType.F32);
        run("mseForward", () -> "pred " + pred + " target " + target, () -> {
            try (DeviceBuffer terms = device.allocate(4L * count)) {
                elementwise(Kernels.MSE_FORWARD_TERMS, count, terms, buf(pred), buf(target), count);
                sumInto(buf(loss), terms, count, 1f / count);
            }
        });
    }

    @Override
    public void mseBackward(Tensor dPred, Tensor pred, Tensor target, int count) {
        OpChecks.elementwise("mseBackward", count, "dPred,pred,target", dPred, pred, target);
        run("mseBackward", () -> "pred " + pred + " target " + target, () -> elementwise(Kernels.MSE_BACKWARD, count,
                buf(dPred), buf(pred), buf(target), count));
    }

    @Override
    public void klDivForward(Tensor loss, Tensor logQ, Tensor p, int n, int classes) {
        OpChecks.rows("klDivForward", null, n, classes, "logQ,p", logQ, p);
        OpChecks.scalar("klDivForward", loss, DType.F32);
        int count = n * classes;
        run("klDivForward", () -> "logQ " + logQ + " p " + p, () -> {
            try (DeviceBuffer terms = device.allocate(4L * count)) {
                elementwise(Kernels.KL_DIV_FORWARD_TERMS, count, terms, buf(logQ), buf(p), count);
                sumInto(buf(loss), terms, count, 1f / n);
            }
        });
    }

    @Override
    public void klDivBackward(Tensor dLogQ, Tensor p, int n, int classes) {
        OpChecks.rows("klDivBackward", null, n, classes, "dLogQ,p", dLogQ, p);
        int count = n * classes;
        run("klDivBackward", () -> "p " + p, () -> elementwise(Kernels.KL_DIV_BACKWARD, count, buf(dLogQ), buf(p), n,
                count));
    }

    /** out[0] = scale · Σ terms, in a fixed order: partial sums per work-group, then one group over those. */
    private void sumInto(DeviceBuffer out, DeviceBuffer terms, int count, float scale) {
        ClKernel reduce = kernel(Kernels.REDUCE_SUM);
        int groups = (int) Math.min(MAX_REDUCE_GROUPS, ceilDiv(count, 4L * reduceLocal));
        long[] one = {reduceLocal};
        if (groups <= 1) {
            reduce.launch(one, one, out, terms, count, scale);
            return;
        }
        try (DeviceBuffer partials = device.allocate(4L * groups)) {
            reduce.launch(new long[] {(long) groups * reduceLocal}, one, partials, terms, count, 1f);
            reduce.launch(one, one, out, partials, groups, scale);
        }
    }

    // ---- optimiser ----------------------------------------------------------------------------------------------

    @Override
    public void sgdUpdate(Tensor param, Tensor momentumBuf, Tensor grad, int count, SgdHyper h, boolean firstStep) {
        OpChecks.sgd(param, momentumBuf, grad, count, h);
        run("sgdUpdate", () -> "param " + param + " grad " + grad, () -> {
            if (h.hasMomentum()) {
                float keep = (float) (1.0 - h.dampening());
                elementwise(Kernels.SGD_MOMENTUM_UPDATE, count, buf(param), buf(momentumBuf), buf(grad), count,
                        h.lr(), h.weightDecay(), h.momentum(), keep, h.nesterov() ? 1 : 0, firstStep ? 1 : 0);
            } else {
                elementwise(Kernels.SGD_UPDATE, count, buf(param), buf(grad), count, h.lr(), h.weightDecay());
            }
        });
    }

    // ---- metrics ------------------------------------------------------------------------------------------------

    @Override
    public void argmaxRows(Tensor idx, Tensor x, int n, int classes) {
        OpChecks.rows("argmaxRows", null, n, classes, "x", x);
        Shapes.check("argmaxRows", "idx", idx, DType.I32, n, "n = " + n);
        run("argmaxRows", () -> "x " + x, () -> elementwise(Kernels.ARGMAX_ROWS, n, buf(idx), buf(x), n, classes));
    }

    @Override
    public void countCorrect(Tensor count, Tensor x, Tensor labels, int n, int classes) {
        OpChecks.rows("countCorrect", labels, n, classes, "x", x);
        OpChecks.scalar("countCorrect", count, DType.I32);
        run("countCorrect", () -> "x " + x + " labels " + labels, () -> {
            elementwise(Kernels.FILL_I32, 1, buf(count), 0, 1);
            elementwise(Kernels.COUNT_CORRECT, n, buf(count), buf(x), buf(labels), n, classes);
        });
    }

    // ---- dispatch helpers ---------------------------------------------------------------------------------------

    /** One work-item per element, in groups of {@link #elementwiseLocal}; kernels guard the rounded-up tail. */
    private void elementwise(Kernels k, long items, Object... args) {
        elementwise(kernel(k), items, args);
    }

    /**
     * A multi-dimensional range in work-groups of {@link #RANGE_LOCAL} along dimension 0 (1 along the others), the
     * global size rounded up; kernels guard their bounds. A fixed group shape matters on POCL, which generates code
     * per kernel and group size at its first launch: a size left to the runtime follows the data's shape and costs
     * a fresh compilation (about 0.5 s) for every new shape.
     */
    private void range(Kernels k, long[] global, Object... args) {
        range(kernel(k), global, args);
    }

    private void range(ClKernel kernel, long[] global, Object... args) {
        long[] local = new long[global.length];
        long[] rounded = global.clone();
        java.util.Arrays.fill(local, 1);
        local[0] = RANGE_LOCAL;
        rounded[0] = roundUp(global[0], RANGE_LOCAL);
        kernel.launch(rounded, local, args);
    }

    private void elementwise(ClKernel kernel, long items, Object... args) {
        kernel.launch(new long[] {roundUp(items, elementwiseLocal)}, new long[] {elementwiseLocal}, args);
    }

    /** Runs an op's enqueues; a device failure is re-thrown naming the op and its shapes. */
    private static void run(String op, Supplier<String> shapes, Runnable body) {
        try {
            body.run();
        } catch (DeviceException e) {
            throw new DeviceException(op + " (" + shapes.get() + "): " + e.getMessage(), e.status(), e);
        }
    }

    private static long roundUp(long value, long multiple) {
        return ceilDiv(value, multiple) * multiple;
    }

    private static long ceilDiv(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }

    private static DeviceBuffer buf(Tensor t) {
        if (t instanceof ClTensor c) {
            return c.buffer;
        }
        throw new IllegalArgumentException("tensor " + t + " does not belong to an OpenCL backend");
    }
}
