package dev.clnn.backend.profile;

import dev.clnn.backend.AdamHyper;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.DType;
import dev.clnn.backend.OpFamily;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.device.ClDevice;
import dev.clnn.device.KernelTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A backend that counts each op's calls and work ({@code OpWork}) and times it, passing every call on to the backend
 * it wraps; {@link #takeProfile} returns what it measured. Storage calls (empty, write, read, synchronize) are passed
 * on untimed: their time is what a profile leaves outside the ops.
 *
 * <p>How ops are timed depends on the wrapped backend. OpenCL ops return before the device has run them, so a clock
 * around the call would time the enqueue: on an {@link OpenClBackend} (opened with profiling) each kernel launch is
 * timed by its OpenCL profiling event instead and counted under the op that launched it. Any other backend is timed
 * with {@link System#nanoTime} around each call, which is right for one that finishes an op before it returns, as
 * the CPU reference does.
 */
public final class ProfiledBackend implements Backend {
    private static final class Tally {
        long calls;
        long nanos;
        long work;
        WorkUnit unit;
    }

    private final Backend inner;
    private final ClDevice events; // null: ops are timed with the wall clock
    // Insertion order, so ops of equal time print in the order they first ran.
    private final Map<String, Tally> tallies = new LinkedHashMap<>();

    private ProfiledBackend(Backend inner, ClDevice events) {
        this.inner = inner;
        this.events = events;
    }

    /**
     * Opens the backend {@code selector} names ({@link Backends#open(String)}), profiled: an OpenCL device is opened
     * with a profiling queue so each kernel launch is timed by its event; the CPU reference is timed op by op.
     * Profiling is chosen at opening because a queue either has it or not: {@link Backends#open} creates neither the
     * profiling queue nor any event.
     */
    public static ProfiledBackend open(String selector) {
        return open(selector, Set.of());
    }

    /** As {@link #open(String)}, preparing the ops of {@code firstStep} early as {@link Backends#open} does. */
    public static ProfiledBackend open(String selector, Set<OpFamily> firstStep) {
        return wrap(Backends.openForProfiling(selector, firstStep));
    }

    /**
     * Wraps {@code backend}; closing the result closes it. A backend that is already profiled is returned as it is.
     *
     * @throws IllegalArgumentException for an {@link OpenClBackend} whose device was opened without profiling
     *                                  (its queue cannot time kernels; open it with {@link #open})
     */
    public static ProfiledBackend wrap(Backend backend) {
        if (backend instanceof ProfiledBackend p) {
            return p;
        }
        if (backend instanceof OpenClBackend cl) {
            if (!cl.device().profiling()) {
                throw new IllegalArgumentException("cannot profile " + cl.name() + ": its device was opened without"
                        + " profiling; open it with ProfiledBackend.open or OpenClBackend.openProfiled");
            }
            return new ProfiledBackend(backend, cl.device());
        }
        return new ProfiledBackend(backend, null);
    }

    /** The backend whose calls this one times. */
    public Backend inner() {
        return inner;
    }

    /**
     * What was measured since the last call (or the wrapping), then starts afresh. Waits for the device first, so
     * every op called before it is in the profile.
     */
    public Profile takeProfile() {
        inner.synchronize();
        List<KernelTime> kernels = events == null ? List.of() : events.takeKernelTimes();
        Map<String, Tally> taken;
        synchronized (tallies) {
            taken = new LinkedHashMap<>(tallies);
            tallies.clear();
        }
        Map<String, List<KernelTime>> byOp = new HashMap<>();
        for (KernelTime k : kernels) {
            byOp.computeIfAbsent(k.op(), o -> new ArrayList<>()).add(k);
            // Kernels launched under a name no op call here recorded (a caller of the inner backend) still count.
            taken.computeIfAbsent(k.op(), o -> new Tally());
        }
        List<OpProfile> ops = new ArrayList<>();
        taken.forEach((op, t) -> {
            List<KernelTime> launched = byOp.getOrDefault(op, List.of());
            long nanos = events == null ? t.nanos : launched.stream().mapToLong(KernelTime::nanos).sum();
            ops.add(new OpProfile(op, t.calls, nanos, t.work, t.unit == null ? WorkUnit.BYTE : t.unit,
                    launched));
        });
        return new Profile(ops);
    }

    /** Runs {@code call}; its work is counted afterwards, once the inner backend has checked the arguments. */
    private void op(String name, LongSupplier workOf, WorkUnit unit, Runnable call) {
        long start = events == null ? System.nanoTime() : 0;
        call.run();
        long nanos = events == null ? System.nanoTime() - start : 0;
        long work = workOf.getAsLong();
        synchronized (tallies) {
            Tally t = tallies.computeIfAbsent(name, n -> new Tally());
            t.calls++;
            t.nanos += nanos;
            t.work += work;
            t.unit = unit;
        }
    }

    private void bytes(String name, LongSupplier bytes, Runnable call) {
        op(name, bytes, WorkUnit.BYTE, call);
    }

    @Override
    public String name() {
        return inner.name();
    }

    // ---- storage: passed on untimed ---------------------------------------------------------------------------

    @Override
    public Tensor empty(DType dtype, int... shape) {
        return inner.empty(dtype, shape);
    }

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        return inner.fromArray(data, shape);
    }

    @Override
    public Tensor fromArray(int[] data, int... shape) {
        return inner.fromArray(data, shape);
    }

    @Override
    public void write(Tensor dst, float[] data) {
        inner.write(dst, data);
    }

    @Override
    public void write(Tensor dst, int[] data) {
        inner.write(dst, data);
    }

    @Override
    public float[] readFloats(Tensor src) {
        return inner.readFloats(src);
    }

    @Override
    public void readFloats(Tensor src, float[] dst) {
        inner.readFloats(src, dst);
    }

    @Override
    public int[] readInts(Tensor src) {
        return inner.readInts(src);
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public void close() {
        inner.close();
    }

    // ---- ops: counted and timed -----------------------------------------------------------------------------------

    @Override
    public void fill(Tensor x, float value) {
        bytes("fill", () -> OpWork.fill(x.size()), () -> inner.fill(x, value));
    }

    @Override
    public void fill(Tensor x, int value) {
        bytes("fill", () -> OpWork.fill(x.size()), () -> inner.fill(x, value));
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        bytes("copy", () -> OpWork.copy(src.size()), () -> inner.copy(dst, src));
    }

    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta) {
        op("gemm", () -> OpWork.gemm(m, n, k), WorkUnit.FLOP,
                () -> inner.gemm(c, a, b, transA, transB, m, n, k, alpha, beta));
    }

    @Override
    public void biasAddForward(Tensor y, Tensor b, int outer, int channels, int inner, boolean relu) {
        bytes("biasAddForward", () -> OpWork.biasAddForward(outer, channels, inner),
                () -> this.inner.biasAddForward(y, b, outer, channels, inner, relu));
    }

    @Override
    public void biasAddBackward(Tensor db, Tensor dy, int outer, int channels, int inner) {
        bytes("biasAddBackward", () -> OpWork.biasAddBackward(outer, channels, inner),
                () -> this.inner.biasAddBackward(db, dy, outer, channels, inner));
    }

    @Override
    public void reluBiasAddBackward(Tensor dx, Tensor db, Tensor dy, Tensor reluOutput, int n, int channels) {
        bytes("reluBiasAddBackward", () -> OpWork.reluBiasAddBackward(n, channels),
                () -> inner.reluBiasAddBackward(dx, db, dy, reluOutput, n, channels));
    }

    @Override
    public void im2col(Tensor col, Tensor x, Conv2dShape s) {
        bytes("im2col", () -> OpWork.im2col(s), () -> inner.im2col(col, x, s));
    }

    @Override
    public void col2im(Tensor dx, Tensor col, Conv2dShape s) {
        bytes("col2im", () -> OpWork.col2im(s), () -> inner.col2im(dx, col, s));
    }

    @Override
    public void swapLeadingAxes(Tensor dst, Tensor src, int a, int b, int inner) {
        bytes("swapLeadingAxes", () -> OpWork.swapLeadingAxes(a, b, inner),
                () -> this.inner.swapLeadingAxes(dst, src, a, b, inner));
    }

    @Override
    public void swapLeadingAxesAddBias(Tensor dst, Tensor src, Tensor bias, int a, int b, int inner, boolean relu) {
        bytes("swapLeadingAxesAddBias", () -> OpWork.swapLeadingAxesAddBias(a, b, inner),
                () -> this.inner.swapLeadingAxesAddBias(dst, src, bias, a, b, inner, relu));
    }

    /** A choice, not an op: passed on untimed. */
    @Override
    public ConvAlgorithm convAlgorithm(Conv2dShape s) {
        return inner.convAlgorithm(s);
    }

    @Override
    public void convDirectForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Conv2dShape s, boolean relu) {
        op("convDirectForward", () -> OpWork.convDirect(s), WorkUnit.FLOP,
                () -> inner.convDirectForward(y, x, weight, bias, s, relu));
    }

    @Override
    public void convDirectBackward(Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Conv2dShape s) {
        op("convDirectBackward", () -> OpWork.convDirect(s), WorkUnit.FLOP,
                () -> inner.convDirectBackward(dWeight, dBias, dy, x, s));
    }

    @Override
    public void reluForward(Tensor y, Tensor x, int count) {
        bytes("reluForward", () -> OpWork.reluForward(count), () -> inner.reluForward(y, x, count));
    }

    @Override
    public void reluBackward(Tensor dx, Tensor dy, Tensor x, int count) {
        bytes("reluBackward", () -> OpWork.reluBackward(count), () -> inner.reluBackward(dx, dy, x, count));
    }

    @Override
    public void dropoutForward(Tensor y, Tensor x, int rows, int rowLength, DropoutDraw draw) {
        bytes("dropoutForward", () -> OpWork.dropout(rows, rowLength),
                () -> inner.dropoutForward(y, x, rows, rowLength, draw));
    }

    @Override
    public void dropoutBackward(Tensor dx, Tensor dy, int rows, int rowLength, DropoutDraw draw) {
        bytes("dropoutBackward", () -> OpWork.dropout(rows, rowLength),
                () -> inner.dropoutBackward(dx, dy, rows, rowLength, draw));
    }

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, Pool2d p) {
        bytes("maxPoolForward", () -> OpWork.maxPoolForward(p), () -> inner.maxPoolForward(y, argmax, x, p));
    }

    @Override
    public void maxPoolBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor y, Pool2d p) {
        bytes("maxPoolBackward", () -> OpWork.maxPoolBackward(p, y != null),
                () -> inner.maxPoolBackward(dx, dy, argmax, y, p));
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, Pool2d p) {
        bytes("avgPoolForward", () -> OpWork.avgPoolForward(p), () -> inner.avgPoolForward(y, x, p));
    }

    @Override
    public void avgPoolBackward(Tensor dx, Tensor dy, Tensor reluOutput, Pool2d p) {
        bytes("avgPoolBackward", () -> OpWork.avgPoolBackward(p, reluOutput != null),
                () -> inner.avgPoolBackward(dx, dy, reluOutput, p));
    }

    @Override
    public void softmaxXentForward(Tensor loss, Tensor probs, Tensor dLogits, Tensor logits, Tensor labels, int n,
            int classes) {
        bytes("softmaxXentForward", () -> OpWork.softmaxXentForward(n, classes, dLogits != null),
                () -> inner.softmaxXentForward(loss, probs, dLogits, logits, labels, n, classes));
    }

    @Override
    public void softmaxXentBackward(Tensor dLogits, Tensor probs, Tensor labels, int n, int classes) {
        bytes("softmaxXentBackward", () -> OpWork.softmaxXentBackward(n, classes),
                () -> inner.softmaxXentBackward(dLogits, probs, labels, n, classes));
    }

    @Override
    public void mseForward(Tensor loss, Tensor pred, Tensor target, int count) {
        bytes("mseForward", () -> OpWork.mseForward(count), () -> inner.mseForward(loss, pred, target, count));
    }

    @Override
    public void mseBackward(Tensor dPred, Tensor pred, Tensor target, int count) {
        bytes("mseBackward", () -> OpWork.mseBackward(count), () -> inner.mseBackward(dPred, pred, target, count));
    }

    @Override
    public void klDivForward(Tensor loss, Tensor logQ, Tensor p, int n, int classes) {
        bytes("klDivForward", () -> OpWork.klDivForward(n, classes), () -> inner.klDivForward(loss, logQ, p, n, classes));
    }

    @Override
    public void klDivBackward(Tensor dLogQ, Tensor p, int n, int classes) {
        bytes("klDivBackward", () -> OpWork.klDivBackward(n, classes), () -> inner.klDivBackward(dLogQ, p, n, classes));
    }

    @Override
    public void logSoftmaxForward(Tensor y, Tensor x, int n, int classes) {
        bytes("logSoftmaxForward", () -> OpWork.logSoftmaxForward(n, classes),
                () -> inner.logSoftmaxForward(y, x, n, classes));
    }

    @Override
    public void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y, int n, int classes) {
        bytes("logSoftmaxBackward", () -> OpWork.logSoftmaxBackward(n, classes),
                () -> inner.logSoftmaxBackward(dx, dy, y, n, classes));
    }

    @Override
    public void batchNormForward(Tensor y, Tensor mean, Tensor invStd, Tensor runningMean, Tensor runningVar,
            Tensor x, Tensor weight, Tensor bias, int n, int channels, int inner, float momentum, float eps) {
        bytes("batchNormForward", () -> OpWork.batchNormForward(n, channels, inner),
                () -> this.inner.batchNormForward(y, mean, invStd, runningMean, runningVar, x, weight, bias, n,
                        channels, inner, momentum, eps));
    }

    @Override
    public void batchNormEvalForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Tensor runningMean,
            Tensor runningVar, int n, int channels, int inner, float eps) {
        bytes("batchNormEvalForward", () -> OpWork.batchNormEvalForward(n, channels, inner),
                () -> this.inner.batchNormEvalForward(y, x, weight, bias, runningMean, runningVar, n, channels, inner,
                        eps));
    }

    @Override
    public void batchNormBackward(Tensor dx, Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Tensor mean,
            Tensor invStd, Tensor weight, int n, int channels, int inner) {
        bytes("batchNormBackward", () -> OpWork.batchNormBackward(n, channels, inner),
                () -> this.inner.batchNormBackward(dx, dWeight, dBias, dy, x, mean, invStd, weight, n, channels,
                        inner));
    }

    @Override
    public void reduceSum(Tensor out, Tensor x, int count, float scale) {
        bytes("reduceSum", () -> OpWork.reduceSum(count), () -> inner.reduceSum(out, x, count, scale));
    }

    @Override
    public void sumSquares(Tensor out, Tensor x, int count) {
        bytes("sumSquares", () -> OpWork.sumSquares(count), () -> inner.sumSquares(out, x, count));
    }

    @Override
    public void clipGradNorm(Tensor x, Tensor sumSquares, int count, float maxNorm) {
        bytes("clipGradNorm", () -> OpWork.clipGradNorm(count), () -> inner.clipGradNorm(x, sumSquares, count,
                maxNorm));
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor momentumBuf, Tensor grad, int count, SgdHyper hyper,
            boolean firstStep) {
        bytes("sgdUpdate", () -> OpWork.sgdUpdate(count, hyper.hasMomentum()),
                () -> inner.sgdUpdate(param, momentumBuf, grad, count, hyper, firstStep));
    }

    @Override
    public void adamUpdate(Tensor param, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, Tensor grad, int count,
            AdamHyper hyper) {
        bytes("adamUpdate", () -> OpWork.adamUpdate(count, hyper.amsgrad()),
                () -> inner.adamUpdate(param, expAvg, expAvgSq, maxExpAvgSq, grad, count, hyper));
    }

    @Override
    public void argmaxRows(Tensor idx, Tensor x, int n, int classes) {
        bytes("argmaxRows", () -> OpWork.argmaxRows(n, classes), () -> inner.argmaxRows(idx, x, n, classes));
    }

    @Override
    public void countCorrect(Tensor count, Tensor x, Tensor labels, int n, int classes) {
        bytes("countCorrect", () -> OpWork.countCorrect(n, classes), () -> inner.countCorrect(count, x, labels, n, classes));
    }
}
