package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import dev.clnn.nn.SoftmaxKlDivergence;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Central finite-difference gradient checks of every op with a gradient. The function is the double twin in
 * {@link DoubleForward} with loss L = Σ out ⊙ r for a fixed random r; the analytic gradient is what the float
 * {@link CpuBackend} backward ops return at the same (float-representable) point. Inputs keep away from kinks: ReLU
 * inputs have |x| &gt; 1e-2 and max-pool windows are tie-free.
 */
class GradCheckTest {
    /** Finite-difference step: truncation error ~h² and rounding ~1e-16·|L|/h both stay below 1e-9. */
    private static final double H = 1e-6;

    private final CpuBackend cpu = new CpuBackend();
    private final SplittableRandom random = new SplittableRandom(20261126);

    @Test
    void gemmGradientsAreTheTransposedProducts() {
        int m = 3;
        int n = 4;
        int k = 5;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = SeededData.uniform(random, m * k, -1, 1);
                float[] b = SeededData.uniform(random, k * n, -1, 1);
                float[] r = SeededData.uniform(random, m * n, -1, 1);
                checkForward("gemm", cpuGemm(a, b, ta, tb, m, n, k), DoubleForward.gemm(d(a), d(b), ta, tb, m, n, k));
                // dA = R·op(B)ᵀ, stored like A; dB = op(A)ᵀ·R, stored like B.
                float[] dA = ta ? cpuGemm(b, r, tb, true, k, m, n) : cpuGemm(r, b, false, !tb, m, k, n);
                float[] dB = tb ? cpuGemm(r, a, true, ta, n, k, m) : cpuGemm(a, r, !ta, false, k, n, m);
                final boolean fa = ta;
                final boolean fb = tb;
                check("gemm dA ta=" + ta + " tb=" + tb, a, dA,
                        x -> dot(DoubleForward.gemm(x, d(b), fa, fb, m, n, k), r));
                check("gemm dB ta=" + ta + " tb=" + tb, b, dB,
                        x -> dot(DoubleForward.gemm(d(a), x, fa, fb, m, n, k), r));
            }
        }
    }

    private float[] cpuGemm(float[] a, float[] b, boolean ta, boolean tb, int m, int n, int k) {
        Tensor c = SeededData.poisoned(cpu, m, n);
        cpu.gemm(c, cpu.fromArray(a, a.length), cpu.fromArray(b, b.length), ta, tb, m, n, k, 1f, 0f);
        return cpu.readFloats(c);
    }

    @Test
    void col2imIsTheGradientOfIm2col() {
        for (Conv2dShape s : new Conv2dShape[] {Conv2dShape.square(2, 3, 5, 6, 1, 3, 1, 1),
                Conv2dShape.square(1, 2, 7, 7, 1, 3, 2, 2), new Conv2dShape(2, 1, 6, 5, 1, 2, 3, 2, 1, 1, 0)}) {
            float[] x = SeededData.uniform(random, s.inputSize(), -1, 1);
            float[] r = SeededData.uniform(random, s.colSize(), -1, 1);
            Tensor col = SeededData.poisoned(cpu, s.colSize());
            cpu.im2col(col, cpu.fromArray(x, x.length), s);
            checkForward("im2col " + s, cpu.readFloats(col), DoubleForward.im2col(d(x), s));
            Tensor dx = SeededData.poisoned(cpu, s.inputSize());
            cpu.col2im(dx, cpu.fromArray(r, r.length), s);
            check("col2im " + s, x, cpu.readFloats(dx), v -> dot(DoubleForward.im2col(v, s), r));
        }
    }

    @Test
    void swappingTheAxesBackIsTheGradientOfSwapping() {
        int a = 3;
        int b = 4;
        int inner = 5;
        float[] x = SeededData.uniform(random, a * b * inner, -1, 1);
        float[] r = SeededData.uniform(random, x.length, -1, 1);
        Tensor y = SeededData.poisoned(cpu, x.length);
        cpu.swapLeadingAxes(y, cpu.fromArray(x, x.length), a, b, inner);
        checkForward("swapLeadingAxes", cpu.readFloats(y), DoubleForward.swapLeadingAxes(d(x), a, b, inner));
        Tensor dx = SeededData.poisoned(cpu, x.length);
        cpu.swapLeadingAxes(dx, cpu.fromArray(r, r.length), b, a, inner);
        check("swapLeadingAxes dx", x, cpu.readFloats(dx), v -> dot(DoubleForward.swapLeadingAxes(v, a, b, inner), r));
    }

    @Test
    void biasGradientSumsTheUpstreamGradient() {
        int outer = 2;
        int channels = 3;
        int inner = 4;
        float[] y = SeededData.uniform(random, outer * channels * inner, -1, 1);
        float[] b = SeededData.uniform(random, channels, -1, 1);
        float[] r = SeededData.uniform(random, y.length, -1, 1);
        Tensor out = cpu.fromArray(y, y.length);
        cpu.biasAddForward(out, cpu.fromArray(b, channels), outer, channels, inner, false);
        checkForward("biasAdd", cpu.readFloats(out), DoubleForward.biasAdd(d(y), d(b), outer, channels, inner));
        Tensor db = cpu.fromArray(new float[channels], channels);
        cpu.biasAddBackward(db, cpu.fromArray(r, r.length), outer, channels, inner);
        check("bias db", b, cpu.readFloats(db), x -> dot(DoubleForward.biasAdd(d(y), x, outer, channels, inner), r));
    }

    @Test
    void reluGradientAwayFromTheKink() {
        int count = 17;
        float[] x = SeededData.uniform(random, count, -1, 1);
        for (int i = 0; i < count; i++) {
            x[i] = Math.abs(x[i]) < 1e-2f ? 0.5f : x[i];
        }
        float[] r = SeededData.uniform(random, count, -1, 1);
        Tensor y = SeededData.poisoned(cpu, count);
        cpu.reluForward(y, cpu.fromArray(x, count), count);
        checkForward("relu", cpu.readFloats(y), DoubleForward.relu(d(x)));
        Tensor dx = SeededData.poisoned(cpu, count);
        cpu.reluBackward(dx, cpu.fromArray(r, count), cpu.fromArray(x, count), count);
        check("relu dx", x, cpu.readFloats(dx), v -> dot(DoubleForward.relu(v), r));
    }

    /** Dropout is linear in x for a fixed draw: the gradient is the forward's mask and scale, checked numerically. */
    @Test
    void dropoutGradientIsTheForwardsMask() {
        int rows = 3;
        int length = 11;
        DropoutDraw draw = new DropoutDraw(5, 1, 2, 4, 0.4);
        float[] x = SeededData.uniform(random, rows * length, -1, 1);
        float[] r = SeededData.uniform(random, rows * length, -1, 1);
        Tensor dx = SeededData.poisoned(cpu, rows, length);
        cpu.dropoutBackward(dx, cpu.fromArray(r, rows, length), rows, length, draw);
        check("dropout dx", x, cpu.readFloats(dx), v -> {
            double[] y = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                y[i] = draw.keeps(i / length, i % length) ? v[i] / (1 - draw.p()) : 0;
            }
            return dot(y, r);
        });
    }

    @Test
    void maxPoolGradientWithOverlapAndPadding() {
        for (Pool2d p : new Pool2d[] {Pool2d.square(2, 3, 5, 5, 2, 2, 0), Pool2d.square(1, 2, 5, 6, 3, 1, 1),
                new Pool2d(1, 1, 6, 7, 3, 2, 2, 1, 1, 1)}) {
            float[] x = distinct(p.inputSize());
            float[] r = SeededData.uniform(random, p.outputSize(), -1, 1);
            Tensor xt = cpu.fromArray(x, x.length);
            Tensor y = SeededData.poisoned(cpu, p.outputSize());
            Tensor arg = SeededData.poisonedInts(cpu, p.outputSize());
            cpu.maxPoolForward(y, arg, xt, p);
            checkForward("maxPool " + p, cpu.readFloats(y), DoubleForward.maxPool(d(x), p));
            Tensor dx = SeededData.poisoned(cpu, p.inputSize());
            cpu.maxPoolBackward(dx, cpu.fromArray(r, r.length), arg, null, p);
            check("maxPool dx " + p, x, cpu.readFloats(dx), v -> dot(DoubleForward.maxPool(v, p), r));
        }
    }

    @Test
    void avgPoolGradientWithOverlapAndPadding() {
        for (Pool2d p : new Pool2d[] {Pool2d.square(2, 3, 5, 5, 2, 2, 0), Pool2d.square(1, 2, 5, 6, 3, 1, 1),
                new Pool2d(1, 1, 6, 7, 3, 2, 2, 1, 1, 1)}) {
            float[] x = SeededData.uniform(random, p.inputSize(), -1, 1);
            float[] r = SeededData.uniform(random, p.outputSize(), -1, 1);
            Tensor y = SeededData.poisoned(cpu, p.outputSize());
            cpu.avgPoolForward(y, cpu.fromArray(x, x.length), p);
            checkForward("avgPool " + p, cpu.readFloats(y), DoubleForward.avgPool(d(x), p));
            Tensor dx = SeededData.poisoned(cpu, p.inputSize());
            cpu.avgPoolBackward(dx, cpu.fromArray(r, r.length), null, p);
            check("avgPool dx " + p, x, cpu.readFloats(dx), v -> dot(DoubleForward.avgPool(v, p), r));
        }
    }

    @Test
    void softmaxCrossEntropyGradientIsProbsMinusOneHotOverN() {
        int n = 4;
        int classes = 7;
        float[] logits = SeededData.uniform(random, n * classes, -3, 3);
        int[] labels = SeededData.labels(random, n, classes);
        Tensor loss = SeededData.poisoned(cpu);
        Tensor probs = SeededData.poisoned(cpu, n, classes);
        Tensor lab = cpu.fromArray(labels, n);
        cpu.softmaxXentForward(loss, probs, null, cpu.fromArray(logits, n, classes), lab, n, classes);
        checkForward("softmaxXent", cpu.readFloats(loss),
                new double[] {DoubleForward.softmaxXent(d(logits), labels, n, classes)});
        Tensor d = SeededData.poisoned(cpu, n, classes);
        cpu.softmaxXentBackward(d, probs, lab, n, classes);
        check("softmaxXent dLogits", logits, cpu.readFloats(d), v -> DoubleForward.softmaxXent(v, labels, n, classes));
    }

    @Test
    void mseGradientIsTwiceTheErrorOverCount() {
        int count = 13;
        float[] pred = SeededData.uniform(random, count, -2, 2);
        float[] target = SeededData.uniform(random, count, -2, 2);
        Tensor loss = SeededData.poisoned(cpu);
        cpu.mseForward(loss, cpu.fromArray(pred, count), cpu.fromArray(target, count), count);
        checkForward("mse", cpu.readFloats(loss), new double[] {DoubleForward.mse(d(pred), d(target))});
        Tensor d = SeededData.poisoned(cpu, count);
        cpu.mseBackward(d, cpu.fromArray(pred, count), cpu.fromArray(target, count), count);
        check("mse dPred", pred, cpu.readFloats(d), v -> DoubleForward.mse(v, d(target)));
    }

    @Test
    void klDivergenceGradientIsMinusTargetOverBatch() {
        int n = 3;
        int classes = 5;
        float[] p = SeededData.uniform(random, n * classes, 0, 1);
        p[4] = 0f; // a zero target contributes nothing, and its gradient is 0
        float[] logQ = SeededData.uniform(random, n * classes, -4, 0);
        Tensor loss = SeededData.poisoned(cpu);
        cpu.klDivForward(loss, cpu.fromArray(logQ, n, classes), cpu.fromArray(p, n, classes), n, classes);
        checkForward("klDiv", cpu.readFloats(loss), new double[] {DoubleForward.klDiv(d(logQ), d(p), n)});
        Tensor d = SeededData.poisoned(cpu, n, classes);
        cpu.klDivBackward(d, cpu.fromArray(p, n, classes), n, classes);
        check("klDiv dLogQ", logQ, cpu.readFloats(d), v -> DoubleForward.klDiv(v, d(p), n));
    }

    @Test
    void batchNormGradientsRunThroughTheBatchMeanAndVariance() {
        // BatchNorm1d (inner 1), BatchNorm2d with n = 1 (the statistics over h·w only) and with n = 2.
        for (int[] shape : new int[][] {{4, 3, 1}, {1, 2, 9}, {2, 3, 5}}) {
            int n = shape[0];
            int c = shape[1];
            int inner = shape[2];
            int count = n * c * inner;
            float[] x = SeededData.uniform(random, count, -2, 2);
            float[] weight = SeededData.uniform(random, c, 0.5, 1.5);
            float[] bias = SeededData.uniform(random, c, -1, 1);
            float[] r = SeededData.uniform(random, count, -1, 1);
            double eps = 1e-5;
            Tensor xt = cpu.fromArray(x, count);
            Tensor wt = cpu.fromArray(weight, c);
            Tensor y = SeededData.poisoned(cpu, count);
            Tensor mean = SeededData.poisoned(cpu, c);
            Tensor invStd = SeededData.poisoned(cpu, c);
            cpu.batchNormForward(y, mean, invStd, cpu.fromArray(new float[c], c), cpu.fromArray(new float[c], c), xt,
                    wt, cpu.fromArray(bias, c), n, c, inner, 0.1f, (float) eps);
            String what = "batchNorm " + Arrays.toString(shape);
            checkForward(what, cpu.readFloats(y), DoubleForward.batchNorm(d(x), d(weight), d(bias), n, c, inner, eps));
            Tensor dx = SeededData.poisoned(cpu, count);
            Tensor dw = cpu.fromArray(new float[c], c);
            Tensor db = cpu.fromArray(new float[c], c);
            cpu.batchNormBackward(dx, dw, db, cpu.fromArray(r, count), xt, mean, invStd, wt, n, c, inner);
            check(what + " dx", x, cpu.readFloats(dx),
                    v -> dot(DoubleForward.batchNorm(v, d(weight), d(bias), n, c, inner, eps), r));
            check(what + " dWeight", weight, cpu.readFloats(dw),
                    v -> dot(DoubleForward.batchNorm(d(x), v, d(bias), n, c, inner, eps), r));
            check(what + " dBias", bias, cpu.readFloats(db),
                    v -> dot(DoubleForward.batchNorm(d(x), d(weight), v, n, c, inner, eps), r));
        }
    }

    @Test
    void logSoftmaxGradientIsUpstreamMinusSoftmaxTimesItsRowSum() {
        int n = 3;
        int classes = 5;
        float[] x = SeededData.uniform(random, n * classes, -4, 4);
        float[] r = SeededData.uniform(random, n * classes, -1, 1);
        Tensor y = SeededData.poisoned(cpu, n, classes);
        cpu.logSoftmaxForward(y, cpu.fromArray(x, n, classes), n, classes);
        checkForward("logSoftmax", cpu.readFloats(y), DoubleForward.logSoftmax(d(x), n, classes));
        Tensor dx = SeededData.poisoned(cpu, n, classes);
        cpu.logSoftmaxBackward(dx, cpu.fromArray(r, n, classes), y, n, classes);
        check("logSoftmax dx", x, cpu.readFloats(dx), v -> dot(DoubleForward.logSoftmax(v, n, classes), r));
    }

    @Test
    void softmaxKlDivergenceGradientIsTargetMassTimesSoftmaxMinusTargetOverBatch() {
        int n = 4;
        int classes = 6;
        float[] logits = SeededData.uniform(random, n * classes, -3, 3);
        float[] p = SeededData.uniform(random, n * classes, 0, 1);
        p[7] = 0f; // a zero target adds nothing to the loss but still gets softmax · rowsum(p) / n
        try (SoftmaxKlDivergence loss = new SoftmaxKlDivergence(cpu)) {
            Tensor value = loss.forward(cpu.fromArray(logits, n, classes), cpu.fromArray(p, n, classes));
            double expected = DoubleForward.klDiv(DoubleForward.logSoftmax(d(logits), n, classes), d(p), n);
            checkForward("softmaxKlDivergence", cpu.readFloats(value), new double[] {expected});
            check("softmaxKlDivergence dLogits", logits, cpu.readFloats(loss.backward()),
                    v -> DoubleForward.klDiv(DoubleForward.logSoftmax(v, n, classes), d(p), n));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Distinct values at least 1e-2 apart, shuffled: max-pool windows have no ties, even after a ±h nudge. */
    private float[] distinct(int count) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (i - count / 2f) * 0.01f;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        return x;
    }

    private static void check(String what, float[] point, float[] analytic, Function<double[], Double> loss) {
        double[] x = d(point);
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            x[i] = saved + H;
            double up = loss.apply(x);
            x[i] = saved - H;
            double down = loss.apply(x);
            x[i] = saved;
            double numeric = (up - down) / (2 * H);
            double err = Math.abs(numeric - analytic[i]) / Math.max(1, Math.max(Math.abs(numeric),
                    Math.abs(analytic[i])));
            if (!(err <= Tolerances.GRAD_CHECK)) {
                fail(what + ": element " + i + " analytic " + analytic[i] + " numeric " + numeric + " error " + err);
            }
        }
    }

    private static void checkForward(String what, float[] actual, double[] expected) {
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
            if (!(err <= Tolerances.GRAD_CHECK)) {
                fail(what + " forward: element " + i + " is " + actual[i] + ", double reference " + expected[i]);
            }
        }
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] d(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
