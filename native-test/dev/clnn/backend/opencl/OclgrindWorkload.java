package dev.clnn.backend.opencl;

import dev.clnn.backend.AdamHyper;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.DType;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.TestArrays;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import dev.clnn.device.DeviceBuffer;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs every kernel clnn dispatches, in every variant the code can choose, on small shapes, against the CPU
 * reference: the workload {@code OclgrindTest} runs inside Oclgrind (a simulator that reports out-of-bounds accesses,
 * data races and reads of uninitialised memory). A main method, because Oclgrind must be the only OpenCL platform
 * of the process that runs it. It prints the registry entries it launched on a line starting {@link #LAUNCHED}, which
 * the test compares with {@link Kernels}.
 */
public final class OclgrindWorkload {
    /** The start of the output line that lists every kernel launched, for {@code OclgrindTest}. */
    static final String LAUNCHED = "launched kernels: ";
    /** The largest work-group Oclgrind is told to allow: a GPU's usual limit. */
    static final long MAX_WORK_GROUP = 256;
    /** The local memory Oclgrind is told to report: a GPU's usual 48 KiB. */
    static final long LOCAL_MEM_BYTES = 48L << 10;
    /**
     * gemm_gpu configurations run beside the device's default: the largest candidate (256 work-items, 32 KiB of
     * local memory), a non-square one, and shapes beyond the candidates: scalar loads with contiguous fragments and
     * A from global memory, float8 loads with B from global memory, the fallback of small devices.
     */
    private static final String[] GPU_GEMM_CONFIGS = {"mwg128 nwg128 kwg32", "mwg64 nwg128 kwg16 mdimc8 ndimc16",
        "mwg32 nwg16 kwg8 mdimc8 ndimc4 vwm1 vwn1 kwi1 strm0 strn0 sa0 sb1",
        "mwg64 nwg128 kwg8 mdimc8 ndimc16 vwm8 vwn8 kwi8 strn0 sb0", "mwg16 nwg16 mdimc4 ndimc4"};

    private final OpenClBackend cl;
    private final CpuBackend cpu = new CpuBackend();
    private final SplittableRandom random = new SplittableRandom(42);
    private final Set<String> ran = new LinkedHashSet<>();

    private OclgrindWorkload(OpenClBackend cl) {
        this.cl = cl;
    }

    public static void main(String[] args) {
        try (OpenClBackend cl = OpenClBackend.open(args.length > 0 ? args[0] : "oclgrind")) {
            OclgrindWorkload w = new OclgrindWorkload(cl);
            System.out.println(limits(cl.device().info().maxWorkGroupSize(), cl.device().info().localMemBytes()));
            w.run();
            System.out.println("ran " + w.ran.size() + " op cases: " + w.ran);
            System.out.println(LAUNCHED + cl.launchedKernels().stream().map(Kernels::name)
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    /** The line that states the device limits the workload ran under, for {@code OclgrindTest} to check. */
    static String limits(long maxWorkGroup, long localMemBytes) {
        return "device limits: work-groups of at most " + maxWorkGroup + ", " + localMemBytes + " bytes of local memory";
    }

    private void run() {
        memory();
        gemm();
        bias();
        relu();
        dropout();
        pooling();
        losses();
        sgd();
        clipGradNorm();
        adam();
        metrics();
        conv();
        allReduceSum();
    }

    private void memory() {
        Tensor f = SeededData.poisoned(cl, 37);
        cl.fill(f, 1.5f);
        check("fill f32", cl.readFloats(f), filled(37, 1.5f), 0);
        Tensor i = SeededData.poisonedInts(cl, 5);
        cl.fill(i, 3);
        // The copy reads an upload, not the fill: Oclgrind 21.10 fills a buffer (clEnqueueFillBuffer) without marking
        // its bytes initialised, so with --uninitialized a kernel reading filled memory is reported.
        Tensor g = SeededData.poisoned(cl, 37);
        cl.copy(g, cl.fromArray(filled(37, 1.5f), 37));
        check("copy", cl.readFloats(g), filled(37, 1.5f), 0);
        if (cl.readInts(i)[4] != 3) {
            throw new AssertionError("fill i32");
        }
    }

    private void gemm() {
        // {2, 5, 7}: fewer rows than any register block, so A is packed (pack_operand); the others read A in place.
        int[][] shapes = {{5, 7, 3}, {17, 19, 23}, {3, 2, 300}, {2, 5, 7}};
        for (int[] s : shapes) {
            for (GemmVariant v : GemmVariant.values()) {
                // The long K is there for split-K; gemm_gpu would interpret 19 K steps of 256 work-items for it,
                // and gemmGpuConfigs runs it over several K steps already.
                if (v == GemmVariant.GPU && s[2] > 64) {
                    continue;
                }
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    float[] a = uniform(s[0] * s[2]);
                    float[] b = uniform(s[2] * s[1]);
                    float[] c0 = uniform(s[0] * s[1]);
                    Tensor ca = cl.fromArray(a, a.length);
                    Tensor cb = cl.fromArray(b, b.length);
                    Tensor cc = cl.fromArray(c0, c0.length);
                    cl.gemm(cc, ca, cb, ta, tb, s[0], s[1], s[2], 0.5f, t == 3 ? 1f : 0f, v);
                    Tensor rc = cpu.fromArray(c0, c0.length);
                    cpu.gemm(rc, cpu.fromArray(a, a.length), cpu.fromArray(b, b.length), ta, tb, s[0], s[1], s[2],
                            0.5f, t == 3 ? 1f : 0f);
                    check("gemm " + v + " " + java.util.Arrays.toString(s) + " t=" + t, cl.readFloats(cc),
                            cpu.readFloats(rc), Tolerances.GEMM);
                    ca.close();
                    cb.close();
                    cc.close();
                }
            }
        }
        gemmOtherConfig();
        gemmGpuConfigs();
    }

    /**
     * gemm_gpu with {@link #GPU_GEMM_CONFIGS}, which must fit Oclgrind's GPU-like limits. The main kernel is the same
     * for every transposition (the packing differs, and gemm() ran it in all four), so NN with beta = 0 and TT with
     * beta = 1 are enough: both packing layouts of each operand. Oclgrind interprets every work-item, so one shape,
     * with several K steps for the smaller K steps and a partial last one.
     */
    private void gemmGpuConfigs() {
        for (String text : GPU_GEMM_CONFIGS) {
            GpuGemmConfig config = GpuGemmConfig.parse(text);
            if (!config.fits(cl.device().info())) {
                throw new AssertionError(config + " does not fit " + cl.device().info().name());
            }
            GemmRoutine routine = new GemmRoutine(new KernelLauncher(cl.device(), cl.tuning().withGpuGemm(config)));
            for (int t : new int[] {0, 3}) {
                gemmCase(routine, GemmVariant.GPU, config.toString(), 17, 19, 23, t);
            }
        }
    }

    /** The blocked kernels once more with another vector width and block than the device's default. */
    private void gemmOtherConfig() {
        GemmConfig other = GemmConfig.parse(cl.tuning().gemmFor(17, 19, 23).vectorWidth() == 8 ? "vw4 rm3 wn3 g4"
                : "vw8 rm3 wn3 g4");
        GemmRoutine routine = new GemmRoutine(new KernelLauncher(cl.device(), cl.tuning().withGemm(other)));
        int m = 17;
        int n = 19;
        int k = 23;
        for (GemmVariant v : new GemmVariant[] {GemmVariant.BLOCKED, GemmVariant.BLOCKED_SPLIT_K}) {
            for (int t = 0; t < 4; t++) {
                gemmCase(routine, v, other.toString(), m, n, k, t);
            }
        }
    }

    /** One product through {@code routine}: transpositions from the bits of t, beta = 0 on NaN-poisoned C but for t = 3. */
    private void gemmCase(GemmRoutine routine, GemmVariant v, String config, int m, int n, int k, int t) {
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        float[] a = uniform(m * k);
        float[] b = uniform(k * n);
        float[] c0 = t == 3 ? uniform(m * n) : SeededData.nan(m * n);
        float beta = t == 3 ? 1f : 0f;
        try (Tensor ca = cl.fromArray(a, a.length); Tensor cb = cl.fromArray(b, b.length);
                Tensor cc = cl.fromArray(c0, c0.length)) {
            routine.gemm(((ClTensor) cc).buffer, ((ClTensor) ca).buffer, ((ClTensor) cb).buffer, ta, tb, m, n, k,
                    0.5f, beta, v);
            Tensor rc = cpu.fromArray(c0, c0.length);
            cpu.gemm(rc, cpu.fromArray(a, a.length), cpu.fromArray(b, b.length), ta, tb, m, n, k, 0.5f, beta);
            check("gemm " + v + " " + config + " t=" + t, cl.readFloats(cc), cpu.readFloats(rc), Tolerances.GEMM);
        }
    }

    private void bias() {
        float[] y = uniform(3 * 4 * 5);
        float[] b = uniform(4);
        Tensor cy = cl.fromArray(y, y.length);
        Tensor ry = cpu.fromArray(y, y.length);
        cl.biasAddForward(cy, cl.fromArray(b, 4), 3, 4, 5, false);
        cpu.biasAddForward(ry, cpu.fromArray(b, 4), 3, 4, 5, false);
        check("biasAddForward", cl.readFloats(cy), cpu.readFloats(ry), 0);
        Tensor cdb = cl.fromArray(b, 4);
        Tensor rdb = cpu.fromArray(b, 4);
        cl.biasAddBackward(cdb, cy, 3, 4, 5);
        cpu.biasAddBackward(rdb, ry, 3, 4, 5);
        check("biasAddBackward", cl.readFloats(cdb), cpu.readFloats(rdb), Tolerances.REDUCTION);
        // inner = 1 (a linear layer's bias) takes the row kernel: 11 channels are a full float8 and a tail of 3.
        float[] rows = uniform(5 * 11);
        float[] b11 = uniform(11);
        Tensor cdb11 = cl.fromArray(b11, 11);
        Tensor rdb11 = cpu.fromArray(b11, 11);
        cl.biasAddBackward(cdb11, cl.fromArray(rows, rows.length), 5, 11, 1);
        cpu.biasAddBackward(rdb11, cpu.fromArray(rows, rows.length), 5, 11, 1);
        check("biasAddBackward rows", cl.readFloats(cdb11), cpu.readFloats(rdb11), Tolerances.REDUCTION);
        // A linear layer's fused ReLU: forward with max(·, 0), backward gating dy by that output, same 5 × 11.
        Tensor cr = cl.fromArray(rows, rows.length);
        Tensor rr = cpu.fromArray(rows, rows.length);
        cl.biasAddForward(cr, cl.fromArray(b11, 11), 5, 11, 1, true);
        cpu.biasAddForward(rr, cpu.fromArray(b11, 11), 5, 11, 1, true);
        check("biasAddForward relu", cl.readFloats(cr), cpu.readFloats(rr), 0);
        float[] dy = uniform(5 * 11);
        Tensor cdx = SeededData.poisoned(cl, 5 * 11);
        Tensor rdx = SeededData.poisoned(cpu, 5 * 11);
        cl.reluBiasAddBackward(cdx, cdb11, cl.fromArray(dy, dy.length), cr, 5, 11);
        cpu.reluBiasAddBackward(rdx, rdb11, cpu.fromArray(dy, dy.length), rr, 5, 11);
        check("reluBiasAddBackward dx", cl.readFloats(cdx), cpu.readFloats(rdx), 0);
        check("reluBiasAddBackward db", cl.readFloats(cdb11), cpu.readFloats(rdb11), Tolerances.REDUCTION);
    }

    private void relu() {
        float[] x = uniform(41);
        float[] dy = uniform(41);
        Tensor cy = SeededData.poisoned(cl, 41);
        Tensor cdx = SeededData.poisoned(cl, 41);
        Tensor cx = cl.fromArray(x, 41);
        cl.reluForward(cy, cx, 41);
        cl.reluBackward(cdx, cl.fromArray(dy, 41), cx, 41);
        Tensor ry = cpu.empty(DType.F32, 41);
        Tensor rdx = cpu.empty(DType.F32, 41);
        cpu.reluForward(ry, cpu.fromArray(x, 41), 41);
        cpu.reluBackward(rdx, cpu.fromArray(dy, 41), cpu.fromArray(x, 41), 41);
        check("reluForward", cl.readFloats(cy), cpu.readFloats(ry), 0);
        check("reluBackward", cl.readFloats(cdx), cpu.readFloats(rdx), 0);
    }

    /** 5 rows of 7 from row 3: a last partial Philox group in every row. */
    private void dropout() {
        DropoutDraw draw = new DropoutDraw(99, 2, 17, 3, 0.3);
        float[] x = uniform(35);
        float[] dy = uniform(35);
        Tensor cy = SeededData.poisoned(cl, 5, 7);
        Tensor cdx = SeededData.poisoned(cl, 5, 7);
        cl.dropoutForward(cy, cl.fromArray(x, 5, 7), 5, 7, draw);
        cl.dropoutBackward(cdx, cl.fromArray(dy, 5, 7), 5, 7, draw);
        Tensor ry = cpu.empty(DType.F32, 5, 7);
        Tensor rdx = cpu.empty(DType.F32, 5, 7);
        cpu.dropoutForward(ry, cpu.fromArray(x, 5, 7), 5, 7, draw);
        cpu.dropoutBackward(rdx, cpu.fromArray(dy, 5, 7), 5, 7, draw);
        check("dropoutForward", cl.readFloats(cy), cpu.readFloats(ry), 0);
        check("dropoutBackward", cl.readFloats(cdx), cpu.readFloats(rdx), 0);
    }

    private void pooling() {
        // 2x2 windows tiling an even input take the *_2x2 kernels, other disjoint windows the block (scatter)
        // backward kernels, overlapping ones the gather kernels.
        for (Pool2d p : new Pool2d[] {Pool2d.square(1, 3, 4, 6, 2, 2, 0), Pool2d.square(2, 2, 6, 5, 2, 2, 0),
            Pool2d.square(1, 2, 7, 6, 3, 2, 1)}) {
            float[] x = uniform(p.inputSize());
            float[] dy = uniform(p.outputSize());
            float[][] c = poolRun(cl, p, x, dy);
            float[][] r = poolRun(cpu, p, x, dy);
            for (int i = 0; i < c.length; i++) {
                check("pool " + i + " " + p, c[i], r[i], Tolerances.AVG_POOL);
            }
        }
    }

    private static float[][] poolRun(Backend be, Pool2d p, float[] x, float[] dy) {
        Tensor xt = be.fromArray(x, x.length);
        Tensor dyt = be.fromArray(dy, dy.length);
        Tensor y = SeededData.poisoned(be, p.outputSize());
        Tensor arg = SeededData.poisonedInts(be, p.outputSize());
        Tensor dx = SeededData.poisoned(be, p.inputSize());
        be.maxPoolForward(y, arg, xt, p);
        be.maxPoolBackward(dx, dyt, arg, null, p);
        float[] maxY = be.readFloats(y);
        float[] maxDx = be.readFloats(dx);
        // With a fused ReLU's gate (y for max pooling, x for average): only its sign is read.
        be.maxPoolBackward(dx, dyt, arg, y, p);
        float[] maxDxRelu = be.readFloats(dx);
        be.avgPoolForward(y, xt, p);
        be.avgPoolBackward(dx, dyt, null, p);
        float[] avgDx = be.readFloats(dx);
        be.avgPoolBackward(dx, dyt, xt, p);
        return new float[][] {maxY, maxDx, maxDxRelu, be.readFloats(y), avgDx, be.readFloats(dx)};
    }

    private void losses() {
        int n = 5;
        int classes = 7;
        float[] z = uniform(n * classes);
        int[] labels = {0, 6, 3, 2, 1};
        float[][] c = lossRun(cl, z, labels, n, classes);
        float[][] r = lossRun(cpu, z, labels, n, classes);
        for (int i = 0; i < c.length; i++) {
            check("loss output " + i, c[i], r[i], Tolerances.SOFTMAX);
        }
        // Log-softmax on rows narrower and wider than its work-group (one group per row).
        for (int[] shape : new int[][] {{n, classes}, {2, 300}}) {
            float[] x = uniform(shape[0] * shape[1]);
            float[] dy = uniform(x.length);
            float[][] lc = logSoftmax(cl, x, dy, shape[0], shape[1]);
            float[][] lr = logSoftmax(cpu, x, dy, shape[0], shape[1]);
            check("logSoftmaxForward " + shape[0] + "x" + shape[1], lc[0], lr[0], Tolerances.LOG_SOFTMAX);
            check("logSoftmaxBackward " + shape[0] + "x" + shape[1], lc[1], lr[1], Tolerances.LOG_SOFTMAX);
        }
        // Batch norm: BatchNorm1d (inner 1) and BatchNorm2d with a channel of more values than its work-group.
        for (int[] shape : new int[][] {{5, 3, 1}, {2, 3, 150}}) {
            float[] x = uniform(shape[0] * shape[1] * shape[2]);
            float[] dy = uniform(x.length);
            float[][] bc = batchNorm(cl, x, dy, shape[0], shape[1], shape[2]);
            float[][] br = batchNorm(cpu, x, dy, shape[0], shape[1], shape[2]);
            String s = shape[0] + "x" + shape[1] + "x" + shape[2];
            check("batchNormForward " + s, bc[0], br[0], Tolerances.BATCH_NORM);
            check("batchNormBackward " + s, bc[1], br[1], Tolerances.BATCH_NORM);
            check("batchNormEvalForward " + s, bc[2], br[2], Tolerances.BATCH_NORM_EVAL);
        }
        // More terms than one work-group sums: the two-pass reduction.
        int count = 3001;
        float[] a = uniform(count);
        float[] b = uniform(count);
        check("mse two-pass", mse(cl, a, b), mse(cpu, a, b), Tolerances.REDUCTION);
        for (int terms : new int[] {1, count}) {
            float[] x = uniform(terms);
            check("reduceSum " + terms, reduceSum(cl, x), reduceSum(cpu, x), Tolerances.REDUCTION);
        }
    }

    private static float[] reduceSum(Backend be, float[] x) {
        Tensor out = SeededData.poisoned(be);
        be.reduceSum(out, be.fromArray(x, x.length), x.length, 0.5f);
        return be.readFloats(out);
    }

    private static float[][] lossRun(Backend be, float[] z, int[] labels, int n, int classes) {
        Tensor zt = be.fromArray(z, n, classes);
        Tensor yt = be.fromArray(labels, n);
        Tensor loss = SeededData.poisoned(be);
        Tensor probs = SeededData.poisoned(be, n, classes);
        Tensor d = SeededData.poisoned(be, n, classes);
        be.softmaxXentForward(loss, probs, null, zt, yt, n, classes);
        be.softmaxXentBackward(d, probs, yt, n, classes);
        float[] xent = be.readFloats(loss);
        float[] dz = be.readFloats(d);
        // The forward pass that also writes the gradient (a training step's) must give the backward's bits.
        Tensor fused = SeededData.poisoned(be, n, classes);
        be.softmaxXentForward(loss, probs, fused, zt, yt, n, classes);
        if (!java.util.Arrays.equals(be.readFloats(fused), dz)) {
            throw new AssertionError("softmaxXentForward's gradient differs from softmaxXentBackward's");
        }
        be.mseForward(loss, zt, probs, n * classes);
        be.mseBackward(d, zt, probs, n * classes);
        float[] mse = be.readFloats(loss);
        float[] dm = be.readFloats(d);
        be.klDivForward(loss, zt, probs, n, classes);
        be.klDivBackward(d, probs, n, classes);
        return new float[][] {xent, dz, be.readFloats(probs), mse, dm, be.readFloats(loss), be.readFloats(d)};
    }

    private static float[][] logSoftmax(Backend be, float[] x, float[] dy, int n, int classes) {
        Tensor y = SeededData.poisoned(be, n, classes);
        Tensor dx = SeededData.poisoned(be, n, classes);
        be.logSoftmaxForward(y, be.fromArray(x, n, classes), n, classes);
        be.logSoftmaxBackward(dx, be.fromArray(dy, n, classes), y, n, classes);
        return new float[][] {be.readFloats(y), be.readFloats(dx)};
    }

    /** The training forward's y, then dx, dWeight, dBias and the running statistics, then the eval output. */
    private static float[][] batchNorm(Backend be, float[] x, float[] dy, int n, int c, int inner) {
        float[] ones = new float[c];
        java.util.Arrays.fill(ones, 1f);
        Tensor xt = be.fromArray(x, x.length);
        Tensor w = be.fromArray(ones, c);
        Tensor b = be.fromArray(new float[c], c);
        Tensor rm = be.fromArray(new float[c], c);
        Tensor rv = be.fromArray(ones, c);
        Tensor dw = be.fromArray(new float[c], c);
        Tensor db = be.fromArray(new float[c], c);
        Tensor y = SeededData.poisoned(be, x.length);
        Tensor dx = SeededData.poisoned(be, x.length);
        Tensor mean = SeededData.poisoned(be, c);
        Tensor invStd = SeededData.poisoned(be, c);
        be.batchNormForward(y, mean, invStd, rm, rv, xt, w, b, n, c, inner, 0.1f, 1e-5f);
        be.batchNormBackward(dx, dw, db, be.fromArray(dy, dy.length), xt, mean, invStd, w, n, c, inner);
        float[] forward = be.readFloats(y);
        float[] backward = concat(be.readFloats(dx), be.readFloats(dw), be.readFloats(db), be.readFloats(rm),
                be.readFloats(rv));
        Tensor yEval = SeededData.poisoned(be, x.length);
        be.batchNormEvalForward(yEval, xt, w, b, rm, rv, n, c, inner, 1e-5f);
        return new float[][] {forward, backward, be.readFloats(yEval)};
    }

    private static float[] concat(float[]... parts) {
        int length = 0;
        for (float[] p : parts) {
            length += p.length;
        }
        float[] all = new float[length];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static float[] mse(Backend be, float[] a, float[] b) {
        Tensor loss = SeededData.poisoned(be);
        be.mseForward(loss, be.fromArray(a, a.length), be.fromArray(b, b.length), a.length);
        return be.readFloats(loss);
    }

    private void sgd() {
        for (SgdHyper h : new SgdHyper[] {new SgdHyper(0.1f, 0f, 0f, 0.01f, false),
                new SgdHyper(0.1f, 0.9f, 0f, 0.01f, true)}) {
            float[] w = uniform(23);
            float[] g = uniform(23);
            float[][] c = sgdRun(cl, w, g, h);
            float[][] r = sgdRun(cpu, w, g, h);
            check("sgd " + h, c[0], r[0], 0);
        }
    }

    private void clipGradNorm() {
        // One gradient within a work-group, one over the two-pass split, summed into one scalar and clipped by it.
        float[] a = uniform(23);
        float[] b = uniform(3001);
        float[][] c = clipRun(cl, a, b);
        float[][] r = clipRun(cpu, a, b);
        check("sumSquares", c[0], r[0], Tolerances.SUM_SQUARES_BOUND);
        check("clipGradNorm small", c[1], r[1], Tolerances.CLIP_GRAD_NORM);
        check("clipGradNorm two-pass", c[2], r[2], Tolerances.CLIP_GRAD_NORM);
    }

    private static float[][] clipRun(Backend be, float[] a, float[] b) {
        Tensor at = be.fromArray(a, a.length);
        Tensor bt = be.fromArray(b, b.length);
        Tensor sum = be.fromArray(new float[] {0f}, 1); // an upload: Oclgrind does not count a fill as written
        be.sumSquares(sum, at, a.length);
        be.sumSquares(sum, bt, b.length);
        be.clipGradNorm(at, sum, a.length, 1f);
        be.clipGradNorm(bt, sum, b.length, 1f);
        return new float[][] {be.readFloats(sum), be.readFloats(at), be.readFloats(bt)};
    }

    private static float[][] sgdRun(Backend be, float[] w0, float[] g, SgdHyper h) {
        Tensor w = be.fromArray(w0, w0.length);
        Tensor buf = SeededData.poisoned(be, w0.length);
        Tensor gt = be.fromArray(g, g.length);
        be.sgdUpdate(w, h.hasMomentum() ? buf : null, gt, w0.length, h, true);
        be.sgdUpdate(w, h.hasMomentum() ? buf : null, gt, w0.length, h, false);
        return new float[][] {be.readFloats(w)};
    }

    private void adam() {
        for (AdamHyper h : new AdamHyper[] {new AdamHyper(0.01, 0.9, 0.999, 1e-8, 0.01, false, false, 2),
                new AdamHyper(0.01, 0.9, 0.999, 1e-8, 0.01, true, true, 2)}) {
            float[] w = uniform(23);
            float[] g = uniform(23);
            float[][] c = adamRun(cl, w, g, h);
            float[][] r = adamRun(cpu, w, g, h);
            check("adam " + h, c[0], r[0], 0);
        }
    }

    private static float[][] adamRun(Backend be, float[] w0, float[] g, AdamHyper h) {
        int n = w0.length;
        Tensor w = be.fromArray(w0, n);
        Tensor m = be.fromArray(new float[n], n);
        Tensor v = be.fromArray(new float[n], n);
        Tensor vmax = be.fromArray(new float[n], n);
        be.adamUpdate(w, m, v, h.amsgrad() ? vmax : null, be.fromArray(g, n), n, h);
        return new float[][] {be.readFloats(w)};
    }

    private void metrics() {
        float[] x = uniform(6 * 4);
        int[] labels = {0, 1, 2, 3, 0, 1};
        Tensor cx = cl.fromArray(x, 6, 4);
        Tensor idx = SeededData.poisonedInts(cl, 6);
        Tensor count = SeededData.poisonedInts(cl);
        cl.argmaxRows(idx, cx, 6, 4);
        cl.countCorrect(count, cx, cl.fromArray(labels, 6), 6, 4);
        Tensor ridx = cpu.empty(DType.I32, 6);
        Tensor rcount = cpu.empty(DType.I32);
        cpu.argmaxRows(ridx, cpu.fromArray(x, 6, 4), 6, 4);
        cpu.countCorrect(rcount, cpu.fromArray(x, 6, 4), cpu.fromArray(labels, 6), 6, 4);
        if (!java.util.Arrays.equals(cl.readInts(idx), cpu.readInts(ridx))
                || cl.readInts(count)[0] != cpu.readInts(rcount)[0]) {
            throw new AssertionError("argmax/countCorrect differ");
        }
        ran.add("metrics");
    }

    private void conv() {
        for (Conv2dShape s : new Conv2dShape[] {Conv2dShape.square(2, 2, 5, 6, 3, 3, 1, 1),
                Conv2dShape.square(1, 3, 7, 7, 2, 3, 2, 2)}) {
            float[] x = uniform(s.inputSize());
            float[] col = uniform(s.colSize());
            Tensor ccol = SeededData.poisoned(cl, s.colSize());
            Tensor rcol = cpu.empty(DType.F32, s.colSize());
            cl.im2col(ccol, cl.fromArray(x, x.length), s);
            cpu.im2col(rcol, cpu.fromArray(x, x.length), s);
            check("im2col " + s, cl.readFloats(ccol), cpu.readFloats(rcol), 0);
            Tensor cdx = SeededData.poisoned(cl, s.inputSize());
            Tensor rdx = cpu.empty(DType.F32, s.inputSize());
            cl.col2im(cdx, cl.fromArray(col, col.length), s);
            cpu.col2im(rdx, cpu.fromArray(col, col.length), s);
            check("col2im " + s, cl.readFloats(cdx), cpu.readFloats(rdx), 0);
        }
        float[] src = uniform(3 * 4 * 5);
        Tensor cd = SeededData.poisoned(cl, 60);
        Tensor rd = cpu.empty(DType.F32, 60);
        cl.swapLeadingAxes(cd, cl.fromArray(src, 60), 3, 4, 5);
        cpu.swapLeadingAxes(rd, cpu.fromArray(src, 60), 3, 4, 5);
        check("swapLeadingAxes", cl.readFloats(cd), cpu.readFloats(rd), 0);
        float[] bias = uniform(3);
        Tensor cb = SeededData.poisoned(cl, 60);
        Tensor rb = cpu.empty(DType.F32, 60);
        cl.swapLeadingAxesAddBias(cb, cl.fromArray(src, 60), cl.fromArray(bias, 3), 3, 4, 5, false);
        cpu.swapLeadingAxesAddBias(rb, cpu.fromArray(src, 60), cpu.fromArray(bias, 3), 3, 4, 5, false);
        check("swapLeadingAxesAddBias", cl.readFloats(cb), cpu.readFloats(rb), 0);
        cl.swapLeadingAxesAddBias(cb, cl.fromArray(src, 60), cl.fromArray(bias, 3), 3, 4, 5, true);
        cpu.swapLeadingAxesAddBias(rb, cpu.fromArray(src, 60), cpu.fromArray(bias, 3), 3, 4, 5, true);
        check("swapLeadingAxesAddBias relu", cl.readFloats(cb), cpu.readFloats(rb), 0);
        convDirect();
    }

    /** The direct kernels on a row with a full float8 and a tail, a full and a part channel block, padding, stride. */
    private void convDirect() {
        for (Conv2dShape s : new Conv2dShape[] {Conv2dShape.square(2, 1, 5, 11, 9, 3, 1, 1),
                Conv2dShape.square(3, 2, 7, 6, 2, 3, 2, 1)}) {
            float[] x = uniform(s.inputSize());
            float[] w = uniform(s.cout() * s.patch());
            float[] b = uniform(s.cout());
            float[] dy = uniform(s.outputSize());
            Tensor cy = SeededData.poisoned(cl, s.outputSize());
            Tensor ry = cpu.empty(DType.F32, s.outputSize());
            cl.convDirectForward(cy, cl.fromArray(x, x.length), cl.fromArray(w, w.length), cl.fromArray(b, b.length),
                    s, false);
            cpu.convDirectForward(ry, cpu.fromArray(x, x.length), cpu.fromArray(w, w.length),
                    cpu.fromArray(b, b.length), s, false);
            check("convDirectForward " + s, cl.readFloats(cy), cpu.readFloats(ry), 0);
            cl.convDirectForward(cy, cl.fromArray(x, x.length), cl.fromArray(w, w.length), cl.fromArray(b, b.length),
                    s, true);
            cpu.convDirectForward(ry, cpu.fromArray(x, x.length), cpu.fromArray(w, w.length),
                    cpu.fromArray(b, b.length), s, true);
            check("convDirectForward relu " + s, cl.readFloats(cy), cpu.readFloats(ry), 0);
            Tensor cdw = cl.fromArray(w, w.length);
            Tensor cdb = cl.fromArray(b, b.length);
            Tensor rdw = cpu.fromArray(w, w.length);
            Tensor rdb = cpu.fromArray(b, b.length);
            cl.convDirectBackward(cdw, cdb, cl.fromArray(dy, dy.length), cl.fromArray(x, x.length), s);
            cpu.convDirectBackward(rdw, rdb, cpu.fromArray(dy, dy.length), cpu.fromArray(x, x.length), s);
            check("convDirectBackward dW " + s, cl.readFloats(cdw), cpu.readFloats(rdw), Tolerances.REDUCTION);
            check("convDirectBackward db " + s, cl.readFloats(cdb), cpu.readFloats(rdb), Tolerances.REDUCTION);
        }
    }

    /**
     * weighted_sum_all over three replicas' gradients, here all in one context (the data-parallel step maps other
     * devices' buffers into it): the terms in rank order, the empty rank 2 (NaN) only receiving the sum; and with
     * four buffers, all of them terms. Bit for bit against the host's sum in the same order.
     */
    private void allReduceSum() {
        int n = 41;
        for (int ranks : new int[] {3, 4}) {
            int terms = ranks == 3 ? 2 : 4;
            float[][] g = new float[ranks][];
            DeviceBuffer[] buffers = new DeviceBuffer[ranks];
            Tensor[] tensors = new Tensor[ranks];
            int[] termRanks = new int[terms];
            float[] weights = new float[terms];
            float[] expected = new float[n];
            for (int r = 0; r < ranks; r++) {
                g[r] = r < terms ? uniform(n) : SeededData.nan(n);
                tensors[r] = cl.fromArray(g[r], n);
                buffers[r] = ((ClTensor) tensors[r]).buffer;
            }
            for (int k = 0; k < terms; k++) {
                termRanks[k] = k;
                weights[k] = (k + 1f) / 10f;
                for (int i = 0; i < n; i++) {
                    expected[i] = k == 0 ? weights[k] * g[k][i] : expected[i] + weights[k] * g[k][i];
                }
            }
            DeviceGradientSum.launch(cl.launcher(), n, buffers, termRanks, weights);
            for (int r = 0; r < ranks; r++) {
                check("allreduce sum of " + terms + " into rank " + r + " of " + ranks, cl.readFloats(tensors[r]),
                        expected, 0);
                tensors[r].close();
            }
        }
    }

    private void check(String what, float[] actual, float[] expected, double tolerance) {
        if (tolerance == 0) {
            TestArrays.assertIdentical(what, actual, expected);
        } else {
            TestArrays.assertClose(what, actual, expected, tolerance);
        }
        ran.add(what.split(" ")[0]);
    }

    private float[] uniform(int count) {
        return SeededData.uniform(random, count, -1, 1);
    }

    private static float[] filled(int count, float value) {
        float[] out = new float[count];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
