package dev.clnn.backend.opencl;

import static dev.clnn.backend.opencl.KernelLauncher.ceilDiv;

import dev.clnn.backend.AdamHyper;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.backend.DType;
import dev.clnn.backend.OpChecks;
import dev.clnn.backend.OpFamily;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Shapes;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.tuning.ConvTuning;
import dev.clnn.backend.opencl.tuning.GemmWidth;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceBuffer;
import dev.clnn.device.DeviceException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The OpenCL backend: each op checks its arguments (the same checks as the CPU reference, {@link OpChecks}), then enqueues the
 * kernels of kernels/ without waiting. Only the {@code read} methods and {@link #synchronize} wait for the device.
 * Every launch goes through the kernel registry ({@link Kernels}) and a {@code KernelLauncher}; ops with more to
 * them than one launch have a routine of their own ({@code GemmRoutine}, {@code ReduceSumRoutine},
 * {@code ConvRoutine}, {@code PoolRoutine}, {@code BiasRoutine}, {@code SoftmaxXentRoutine}).
 * Several threads may share one instance: each kernel launch sets its arguments and enqueues atomically, and the
 * buffer pool and program cache are synchronised (TwoThreadsTest trains two models at once and gets the sequential
 * results bit for bit). A model, its layers and its optimiser hold per-step state and belong to one thread at a time.
 */
public final class OpenClBackend implements Backend {
    private final ClDevice device;
    private final KernelTuning tuning;
    private final KernelLauncher launcher;
    private final GemmRoutine gemm;
    private final ReduceSumRoutine reduce;
    private final ConvRoutine convolution;
    private final PoolRoutine pooling;
    private final BiasRoutine bias;
    private final SoftmaxXentRoutine xent;
    private final ConvPolicy conv;

    public OpenClBackend(ClDevice device) {
        this(device, ConvTuning.forDevice(device.info()), Set.of());
    }

    /** A backend whose convolution layers follow {@code conv} (tests and a tuner force each algorithm). */
    public OpenClBackend(ClDevice device, ConvPolicy conv) {
        this(device, conv, Set.of());
    }

    /**
     * @param firstStep op families the caller's first step launches beyond every classifier's (see
     *                  {@code FirstStepOps}); their programs are built in the background with the common ones
     */
    public OpenClBackend(ClDevice device, Set<OpFamily> firstStep) {
        this(device, ConvTuning.forDevice(device.info()), firstStep);
    }

    private OpenClBackend(ClDevice device, ConvPolicy conv, Set<OpFamily> firstStep) {
        this.device = device;
        this.tuning = probedIfPending(device, KernelTuning.forDevice(device.info()));
        this.launcher = new KernelLauncher(device, tuning);
        this.gemm = new GemmRoutine(launcher);
        this.reduce = new ReduceSumRoutine(launcher);
        this.convolution = new ConvRoutine(launcher);
        this.pooling = new PoolRoutine(launcher);
        this.bias = new BiasRoutine(launcher);
        this.xent = new SoftmaxXentRoutine(launcher);
        this.conv = conv;
        // The compiler's start-up (about a second on POCL) then overlaps the caller's data loading and model set-up.
        device.prebuild(StartupPrograms.inOrderOfFirstUse(tuning, StartupPrograms.kernelsOf(firstStep)));
    }

    /**
     * {@code tuning}, or where its default GEMM width is still to be measured (a CPU device opened for the first time
     * with nothing tuned or forced: {@link GemmWidth#pending}), {@code tuning} with the width a probe measured and
     * stored. Before the background builds start, so they do not disturb the measurement.
     */
    private static KernelTuning probedIfPending(ClDevice device, KernelTuning tuning) {
        if (tuning.blockedGemm() && tuning.gemm().usesDefault() && tuning.gemm().defaultWidth().pending()) {
            return GemmWidthProbe.run(device, tuning, TuningStore.standard());
        }
        return tuning;
    }

    /** Opens the device a selector names ({@code opencl}, {@code opencl:P:D} or a name substring). */
    public static OpenClBackend open(String selector) {
        return new OpenClBackend(ClDevice.open(ClDevice.select(selector)));
    }

    /**
     * As {@link #open}, on a device opened with profiling ({@link ClDevice#openProfiled}): every kernel launch is
     * timed and tagged with the name of the op that launched it (the {@link Backend} method's name).
     */
    public static OpenClBackend openProfiled(String selector) {
        return new OpenClBackend(ClDevice.openProfiled(ClDevice.select(selector)));
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

    KernelLauncher launcher() {
        return launcher;
    }

    /** The convolution algorithm choice of this backend. */
    public ConvPolicy convPolicy() {
        return conv;
    }

    /** The registry entries this backend has launched so far (for coverage checks such as the Oclgrind suite). */
    Set<Kernels> launchedKernels() {
        return launcher.launched();
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
        ints(dst).forget();
        device.write(buf(dst), data);
        ints(dst).record(data);
    }

    @Override
    public float[] readFloats(Tensor src) {
        Shapes.check("readFloats", "source", src, DType.F32, src.size(), "the tensor");
        float[] out = new float[src.size()];
        device.read(buf(src), out);
        return out;
    }

    @Override
    public void readFloats(Tensor src, float[] dst) {
        Shapes.check("readFloats", "source", src, DType.F32, dst.length, "the host array");
        device.read(buf(src), dst);
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
        run("fill", () -> x.toString(), () -> launcher.fill(buf(x), x.size(), Float.floatToRawIntBits(value)));
    }

    @Override
    public void fill(Tensor x, int value) {
        OpChecks.fill(x, DType.I32);
        ints(x).forget();
        run("fill", () -> x.toString(), () -> launcher.fill(buf(x), x.size(), value));
        ints(x).recordFill(value);
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        OpChecks.copy(dst, src);
        run("copy", () -> dst + " <- " + src,
                () -> launcher.elementwise(Kernels.COPY_F32, src.size(), buf(dst), buf(src), src.size()));
    }

    // ---- linear algebra -----------------------------------------------------------------------------------------

    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta) {
        gemm(c, a, b, transA, transB, m, n, k, alpha, beta, GemmRoutine.variant(tuning, m, n, k));
    }

    /** GEMM with an explicit kernel variant, so tests can check each one against the reference. */
    void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta, GemmVariant variant) {
        OpChecks.gemm(c, a, b, transA, transB, m, n, k);
        run("gemm", () -> "C " + c + " A " + a + " B " + b + " m=" + m + " n=" + n + " k=" + k,
                () -> gemm.gemm(buf(c), buf(a), buf(b), transA, transB, m, n, k, alpha, beta, variant));
    }

    @Override
    public void biasAddForward(Tensor y, Tensor b, int outer, int channels, int inner, boolean relu) {
        OpChecks.bias("biasAddForward", y, b, outer, channels, inner);
        run("biasAddForward", () -> "y " + y + " b " + b + (relu ? " relu" : ""),
                () -> bias.forward(buf(y), buf(b), outer, channels, inner, relu));
    }

    @Override
    public void biasAddBackward(Tensor db, Tensor dy, int outer, int channels, int inner) {
        OpChecks.bias("biasAddBackward", dy, db, outer, channels, inner);
        run("biasAddBackward", () -> "db " + db + " dy " + dy,
                () -> bias.backward(buf(db), buf(dy), outer, channels, inner));
    }

    @Override
    public void reluBiasAddBackward(Tensor dx, Tensor db, Tensor dy, Tensor reluOutput, int n, int channels) {
        OpChecks.reluBias("reluBiasAddBackward", dx, db, dy, reluOutput, n, channels);
        run("reluBiasAddBackward", () -> "dx " + dx + " db " + db + " dy " + dy + " reluOutput " + reluOutput,
                () -> bias.reluBackwardRows(buf(dx), buf(db), buf(dy), buf(reluOutput), n, channels));
    }

    @Override
    public void im2col(Tensor col, Tensor x, Conv2dShape s) {
        OpChecks.conv("im2col", col, x, s);
        run("im2col", s::toString, () -> convolution.im2col(buf(col), buf(x), s));
    }

    @Override
    public void col2im(Tensor dx, Tensor col, Conv2dShape s) {
        OpChecks.conv("col2im", col, dx, s);
        run("col2im", s::toString, () -> convolution.col2im(buf(dx), buf(col), s));
    }

    @Override
    public void swapLeadingAxes(Tensor dst, Tensor src, int a, int b, int inner) {
        OpChecks.swap(dst, src, a, b, inner);
        run("swapLeadingAxes", () -> "src " + src + " (a, b, inner) = (" + a + ", " + b + ", " + inner + ")",
                () -> convolution.swapLeadingAxes(buf(dst), buf(src), a, b, inner));
    }

    @Override
    public void swapLeadingAxesAddBias(Tensor dst, Tensor src, Tensor bias, int a, int b, int inner, boolean relu) {
        OpChecks.swapAddBias(dst, src, bias, a, b, inner);
        run("swapLeadingAxesAddBias", () -> "src " + src + " bias " + bias + " (a, b, inner) = (" + a + ", " + b
                + ", " + inner + ")" + (relu ? " relu" : ""),
                () -> convolution.swapLeadingAxesAddBias(buf(dst), buf(src), buf(bias), a, b, inner, relu));
    }

    @Override
    public ConvAlgorithm convAlgorithm(Conv2dShape s) {
        return conv.choose(s);
    }

    @Override
    public void convDirectForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Conv2dShape s, boolean relu) {
        OpChecks.convDirect("convDirectForward", y, x, weight, bias, s);
        run("convDirectForward", () -> s + (relu ? " relu" : ""),
                () -> convolution.directForward(buf(y), buf(x), buf(weight), buf(bias), s, relu));
    }

    @Override
    public void convDirectBackward(Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Conv2dShape s) {
        OpChecks.convDirect("convDirectBackward", dy, x, dWeight, dBias, s);
        run("convDirectBackward", s::toString,
                () -> convolution.directBackward(buf(dWeight), buf(dBias), buf(dy), buf(x), s));
    }

    // ---- activations --------------------------------------------------------------------------------------------

    @Override
    public void reluForward(Tensor y, Tensor x, int count) {
        OpChecks.elementwise("reluForward", count, "y,x", y, x);
        run("reluForward", () -> "y " + y + " x " + x,
                () -> launcher.elementwise(Kernels.RELU_FORWARD, ceilDiv(count, tuning.reluRun()), buf(y), buf(x), count));
    }

    @Override
    public void reluBackward(Tensor dx, Tensor dy, Tensor x, int count) {
        OpChecks.elementwise("reluBackward", count, "dx,dy,x", dx, dy, x);
        run("reluBackward", () -> "dx " + dx + " dy " + dy + " x " + x,
                () -> launcher.elementwise(Kernels.RELU_BACKWARD, count, buf(dx), buf(dy), buf(x), count));
    }

    @Override
    public void dropoutForward(Tensor y, Tensor x, int rows, int rowLength, DropoutDraw draw) {
        OpChecks.dropout("dropoutForward", rows, rowLength, "y,x", y, x, draw);
        run("dropoutForward", () -> "y " + y + " x " + x + " " + draw,
                () -> dropout(Kernels.DROPOUT_FORWARD, buf(y), buf(x), rows, rowLength, draw));
    }

    @Override
    public void dropoutBackward(Tensor dx, Tensor dy, int rows, int rowLength, DropoutDraw draw) {
        OpChecks.dropout("dropoutBackward", rows, rowLength, "dx,dy", dx, dy, draw);
        run("dropoutBackward", () -> "dx " + dx + " dy " + dy + " " + draw,
                () -> dropout(Kernels.DROPOUT_BACKWARD, buf(dx), buf(dy), rows, rowLength, draw));
    }

    /** One work-item per Philox call: four elements of a row. */
    private void dropout(Kernels kernel, DeviceBuffer out, DeviceBuffer in, int rows, int rowLength, DropoutDraw d) {
        long items = (long) rows * ceilDiv(rowLength, 4);
        launcher.elementwise(kernel, items, out, in, rows, rowLength, d.firstRow(), (int) d.seed(),
                (int) (d.seed() >>> 32), (int) d.step(), d.layer(), d.threshold(), d.scale());
    }

    // ---- pooling ------------------------------------------------------------------------------------------------

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, Pool2d p) {
        OpChecks.pool("maxPoolForward", y, x, p);
        OpChecks.argmax("maxPoolForward", argmax, p);
        ints(argmax).forget();
        run("maxPoolForward", p::toString, () -> pooling.maxForward(buf(y), buf(argmax), buf(x), p));
    }

    @Override
    public void maxPoolBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor y, Pool2d p) {
        OpChecks.pool("maxPoolBackward", dy, dx, p);
        OpChecks.argmax("maxPoolBackward", argmax, p);
        OpChecks.reluGate("maxPoolBackward", y, true, p);
        run("maxPoolBackward", () -> p + (y == null ? "" : " relu"),
                () -> pooling.maxBackward(buf(dx), buf(dy), buf(argmax), gateBuf(y), p));
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, Pool2d p) {
        OpChecks.pool("avgPoolForward", y, x, p);
        run("avgPoolForward", p::toString, () -> pooling.avgForward(buf(y), buf(x), p));
    }

    @Override
    public void avgPoolBackward(Tensor dx, Tensor dy, Tensor reluOutput, Pool2d p) {
        OpChecks.pool("avgPoolBackward", dy, dx, p);
        OpChecks.reluGate("avgPoolBackward", reluOutput, false, p);
        run("avgPoolBackward", () -> p + (reluOutput == null ? "" : " relu"),
                () -> pooling.avgBackward(buf(dx), buf(dy), gateBuf(reluOutput), p));
    }

    private static DeviceBuffer gateBuf(Tensor gate) {
        return gate == null ? null : buf(gate);
    }

    // ---- losses -------------------------------------------------------------------------------------------------

    @Override
    public void softmaxXentForward(Tensor loss, Tensor probs, Tensor dLogits, Tensor logits, Tensor labels, int n,
            int classes) {
        OpChecks.rows("softmaxXentForward", labels, n, classes, "probs,logits", probs, logits);
        OpChecks.gradient("softmaxXentForward", dLogits, n, classes);
        OpChecks.scalar("softmaxXentForward", loss, DType.F32);
        checkLabels("softmaxXentForward", labels, n, classes);
        run("softmaxXentForward", () -> "logits " + logits + " labels " + labels, () -> xent.forward(buf(loss),
                buf(probs), dLogits == null ? null : buf(dLogits), buf(logits), buf(labels), n, classes));
    }

    @Override
    public void softmaxXentBackward(Tensor dLogits, Tensor probs, Tensor labels, int n, int classes) {
        OpChecks.rows("softmaxXentBackward", labels, n, classes, "dLogits,probs", dLogits, probs);
        checkLabels("softmaxXentBackward", labels, n, classes);
        run("softmaxXentBackward", () -> "probs " + probs + " labels " + labels, () -> launcher.elementwise(
                Kernels.SOFTMAX_XENT_BACKWARD, n * classes, buf(dLogits), buf(probs), buf(labels), n, classes));
    }

    @Override
    public void mseForward(Tensor loss, Tensor pred, Tensor target, int count) {
        OpChecks.elementwise("mseForward", count, "pred,target", pred, target);
        OpChecks.scalar("mseForward", loss, DType.F32);
        run("mseForward", () -> "pred " + pred + " target " + target, () -> {
            try (DeviceBuffer terms = device.allocate(4L * count)) {
                launcher.elementwise(Kernels.MSE_FORWARD_TERMS, count, terms, buf(pred), buf(target), count);
                reduce.sum(buf(loss), terms, count, 1f / count);
            }
        });
    }

    @Override
    public void mseBackward(Tensor dPred, Tensor pred, Tensor target, int count) {
        OpChecks.elementwise("mseBackward", count, "dPred,pred,target", dPred, pred, target);
        run("mseBackward", () -> "pred " + pred + " target " + target, () -> launcher.elementwise(
                Kernels.MSE_BACKWARD, count, buf(dPred), buf(pred), buf(target), count));
    }

    @Override
    public void klDivForward(Tensor loss, Tensor logQ, Tensor p, int n, int classes) {
        OpChecks.rows("klDivForward", null, n, classes, "logQ,p", logQ, p);
        OpChecks.scalar("klDivForward", loss, DType.F32);
        int count = n * classes;
        run("klDivForward", () -> "logQ " + logQ + " p " + p, () -> {
            try (DeviceBuffer terms = device.allocate(4L * count)) {
                launcher.elementwise(Kernels.KL_DIV_FORWARD_TERMS, count, terms, buf(logQ), buf(p), count);
                reduce.sum(buf(loss), terms, count, 1f / n);
            }
        });
    }

    @Override
    public void klDivBackward(Tensor dLogQ, Tensor p, int n, int classes) {
        OpChecks.rows("klDivBackward", null, n, classes, "dLogQ,p", dLogQ, p);
        int count = n * classes;
        run("klDivBackward", () -> "p " + p, () -> launcher.elementwise(Kernels.KL_DIV_BACKWARD, count, buf(dLogQ),
                buf(p), n, count));
    }

    @Override
    public void logSoftmaxForward(Tensor y, Tensor x, int n, int classes) {
        OpChecks.rows("logSoftmaxForward", null, n, classes, "y,x", y, x);
        run("logSoftmaxForward", () -> "x " + x, () -> launchRows(Kernels.LOG_SOFTMAX_FORWARD, n, buf(y), buf(x),
                n, classes));
    }

    @Override
    public void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y, int n, int classes) {
        OpChecks.rows("logSoftmaxBackward", null, n, classes, "dx,dy,y", dx, dy, y);
        run("logSoftmaxBackward", () -> "dy " + dy + " y " + y, () -> launchRows(Kernels.LOG_SOFTMAX_BACKWARD, n,
                buf(dx), buf(dy), buf(y), n, classes));
    }

    @Override
    public void batchNormForward(Tensor y, Tensor mean, Tensor invStd, Tensor runningMean, Tensor runningVar,
            Tensor x, Tensor weight, Tensor bias, int n, int channels, int inner, float momentum, float eps) {
        String op = "batchNormForward";
        OpChecks.batchNorm(op, n, channels, inner, "y,x", new Tensor[] {y, x},
                "mean,invStd,runningMean,runningVar,weight,bias", mean, invStd, runningMean, runningVar, weight, bias);
        OpChecks.batchNormTraining(op, n, inner);
        run(op, () -> "x " + x, () -> launchRows(Kernels.BATCH_NORM_FORWARD, channels, buf(y), buf(mean),
                buf(invStd), buf(runningMean), buf(runningVar), buf(x), buf(weight), buf(bias), n, channels, inner,
                momentum, eps));
    }

    @Override
    public void batchNormEvalForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Tensor runningMean,
            Tensor runningVar, int n, int channels, int inner, float eps) {
        String op = "batchNormEvalForward";
        OpChecks.batchNorm(op, n, channels, inner, "y,x", new Tensor[] {y, x},
                "weight,bias,runningMean,runningVar", weight, bias, runningMean, runningVar);
        run(op, () -> "x " + x, () -> launcher.rangeGrouped(Kernels.BATCH_NORM_EVAL_FORWARD,
                new long[] {inner, channels, n}, buf(y), buf(x), buf(weight), buf(bias), buf(runningMean),
                buf(runningVar), n, channels, inner, eps));
    }

    @Override
    public void batchNormBackward(Tensor dx, Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Tensor mean,
            Tensor invStd, Tensor weight, int n, int channels, int inner) {
        String op = "batchNormBackward";
        OpChecks.batchNorm(op, n, channels, inner, "dx,dy,x", new Tensor[] {dx, dy, x},
                "dWeight,dBias,mean,invStd,weight", dWeight, dBias, mean, invStd, weight);
        run(op, () -> "dy " + dy + " x " + x, () -> launchRows(Kernels.BATCH_NORM_BACKWARD, channels, buf(dx),
                buf(dWeight), buf(dBias), buf(dy), buf(x), buf(mean), buf(invStd), buf(weight), n, channels, inner));
    }

    /** One work-group of LOG_SOFTMAX_LOCAL or BN_LOCAL (the tuning's REDUCE_LOCAL) work-items per row or channel. */
    private void launchRows(Kernels kernel, int n, Object... args) {
        long local = tuning.reduceLocal();
        launcher.launch(kernel, new long[] {n * local}, new long[] {local}, args);
    }

    @Override
    public void reduceSum(Tensor out, Tensor x, int count, float scale) {
        OpChecks.elementwise("reduceSum", count, "x", x);
        OpChecks.scalar("reduceSum", out, DType.F32);
        run("reduceSum", () -> "out " + out + " x " + x + " count=" + count,
                () -> reduce.sum(buf(out), buf(x), count, scale));
    }

    @Override
    public void sumSquares(Tensor out, Tensor x, int count) {
        OpChecks.elementwise("sumSquares", count, "x", x);
        OpChecks.scalar("sumSquares", out, DType.F32);
        run("sumSquares", () -> "out " + out + " x " + x + " count=" + count,
                () -> reduce.sumSquares(buf(out), buf(x), count));
    }

    @Override
    public void clipGradNorm(Tensor x, Tensor sumSquares, int count, float maxNorm) {
        OpChecks.elementwise("clipGradNorm", count, "x", x);
        OpChecks.scalar("clipGradNorm", sumSquares, DType.F32);
        run("clipGradNorm", () -> "x " + x + " count=" + count + " maxNorm=" + maxNorm,
                () -> launcher.elementwise(Kernels.CLIP_GRAD_NORM, count, buf(x), buf(sumSquares), count, maxNorm));
    }

    /**
     * Rejects labels outside [0, classes) with the reference's message before anything is enqueued. Labels uploaded
     * from the host carry the range of that upload ({@link HostIntRange}), so the usual case reads nothing back and
     * the op stays asynchronous: a check inside the op costing a device read per batch would make every training
     * step wait for the device twice more, and a flag checked when the loss is read would let a gradient or a count
     * computed from a bad label through unnoticed. Labels a kernel wrote, and a known range that fails, are read
     * back (the only wait), to name the first bad label or to learn the range until the next write.
     */
    private void checkLabels(String op, Tensor labels, int n, int classes) {
        HostIntRange range = ints(labels);
        if (range.knownWithin(0, classes)) {
            return;
        }
        int[] host = new int[n];
        run(op, () -> "reading labels " + labels + " back to check them", () -> device.read(buf(labels), host));
        OpChecks.labels(op, host, n, classes);
        range.record(host);
    }

    // ---- optimiser ----------------------------------------------------------------------------------------------

    @Override
    public void sgdUpdate(Tensor param, Tensor momentumBuf, Tensor grad, int count, SgdHyper h, boolean firstStep) {
        OpChecks.sgd(param, momentumBuf, grad, count, h);
        run("sgdUpdate", () -> "param " + param + " grad " + grad, () -> {
            if (h.hasMomentum()) {
                float keep = (float) (1.0 - h.dampening());
                launcher.elementwise(Kernels.SGD_MOMENTUM_UPDATE, count, buf(param), buf(momentumBuf), buf(grad),
                        count, h.lr(), h.weightDecay(), h.momentum(), keep, h.nesterov() ? 1 : 0, firstStep ? 1 : 0);
            } else {
                launcher.elementwise(Kernels.SGD_UPDATE, count, buf(param), buf(grad), count, h.lr(),
                        h.weightDecay());
            }
        });
    }

    @Override
    public void adamUpdate(Tensor param, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, Tensor grad, int count,
            AdamHyper h) {
        OpChecks.adam(param, expAvg, expAvgSq, maxExpAvgSq, grad, count, h);
        // Without amsgrad the kernel never touches vmax; v stands in for the argument.
        Tensor vmax = h.amsgrad() ? maxExpAvgSq : expAvgSq;
        run("adamUpdate", () -> "param " + param + " grad " + grad, () -> launcher.elementwise(Kernels.ADAM_UPDATE,
                ceilDiv(count, tuning.adamRun()), buf(param), buf(expAvg), buf(expAvgSq), buf(vmax), buf(grad),
                count, h.l2Decay(), h.decayFactor(), h.lerpWeight(), h.beta2f(), h.oneMinusBeta2(),
                h.biasCorrection2Sqrt(), h.epsf(), h.negStepSize(), h.amsgrad() ? 1 : 0));
    }

    // ---- metrics ------------------------------------------------------------------------------------------------

    @Override
    public void argmaxRows(Tensor idx, Tensor x, int n, int classes) {
        OpChecks.rows("argmaxRows", null, n, classes, "x", x);
        Shapes.check("argmaxRows", "idx", idx, DType.I32, n, "n = " + n);
        ints(idx).forget();
        run("argmaxRows", () -> "x " + x, () -> launcher.elementwise(Kernels.ARGMAX_ROWS, n, buf(idx), buf(x), n,
                classes));
    }

    @Override
    public void countCorrect(Tensor count, Tensor x, Tensor labels, int n, int classes) {
        OpChecks.rows("countCorrect", labels, n, classes, "x", x);
        OpChecks.scalar("countCorrect", count, DType.I32);
        checkLabels("countCorrect", labels, n, classes);
        ints(count).forget();
        run("countCorrect", () -> "x " + x + " labels " + labels, () -> {
            launcher.fill(buf(count), 1, 0);
            launcher.elementwise(Kernels.COUNT_CORRECT, n, buf(count), buf(x), buf(labels), n, classes);
        });
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /**
     * Runs an op's enqueues, its launches tagged with the op's name on a profiled device; a device failure is
     * re-thrown naming the op and its shapes.
     */
    private void run(String op, Supplier<String> shapes, Runnable body) {
        try {
            launcher.withinOp(op, body);
        } catch (DeviceException e) {
            throw new DeviceException(op + " (" + shapes.get() + "): " + e.getMessage(), e.status(), e);
        }
    }

    private static DeviceBuffer buf(Tensor t) {
        return own(t).buffer;
    }

    /**
     * What the host knows about an I32 tensor's contents. Every op that writes an I32 output updates it: uploads
     * and fills record their range, kernels forget it.
     */
    private static HostIntRange ints(Tensor t) {
        return own(t).ints;
    }

    private static ClTensor own(Tensor t) {
        if (t instanceof ClTensor c) {
            return c;
        }
        throw new IllegalArgumentException("tensor " + t + " does not belong to an OpenCL backend");
    }
}
