package dev.clnn.check;

import static dev.clnn.check.SeededData.nan;
import static dev.clnn.check.SeededData.poisoned;
import static dev.clnn.check.SeededData.poisonedInts;
import static dev.clnn.check.SeededData.uniform;
import static dev.clnn.check.Tolerances.AVG_POOL;
import static dev.clnn.check.Tolerances.BATCH_NORM;
import static dev.clnn.check.Tolerances.BATCH_NORM_EVAL;
import static dev.clnn.check.Tolerances.CLIP_GRAD_NORM;
import static dev.clnn.check.Tolerances.CONV_LAYER;
import static dev.clnn.check.Tolerances.EXACT;
import static dev.clnn.check.Tolerances.GEMM;
import static dev.clnn.check.Tolerances.SOFTMAX;
import static dev.clnn.check.Tolerances.SUM_SQUARES_BOUND;

import dev.clnn.backend.AdamHyper;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.DType;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.nn.Conv2d;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The op-by-op parity checks of a device against the CPU reference, shipped in the jar so a machine without Maven
 * (a lent GPU) can run them: {@code clnn selfcheck --full}, or {@code java -cp clnn.jar dev.clnn.check.ParityCheck
 * [selector]}. GEMM in all four transpositions, the convolution layer forward and backward, max and average
 * pooling, ReLU, softmax cross-entropy, batch norm and the SGD step, each on seeded uniform data of awkward sizes (1, primes,
 * larger than any tile), with every device output poisoned with NaN before the call (accumulated outputs prefilled
 * with the same random values on both sides). One line per comparison; the native tests check the same ops in
 * more depth, this is the part that travels.
 */
public final class ParityCheck {
    private final Backend device;
    private final Backend cpu = new CpuBackend();
    private final Consumer<ParityComparison> report;
    private final List<ParityComparison> results = new ArrayList<>();

    private ParityCheck(Backend device, Consumer<ParityComparison> report) {
        this.device = device;
        this.report = report;
    }

    /** {@code ParityCheck [selector]}: runs every check on the device (default {@code opencl}); exit 1 on a failure. */
    public static void main(String[] args) {
        String selector = args.length > 0 ? args[0] : "opencl";
        try (Backend backend = Backends.open(selector)) {
            System.exit(run(backend, System.out) == 0 ? 0 : 1);
        }
    }

    /**
     * Runs every check on {@code device}, printing a line per comparison and a summary to {@code out}.
     *
     * @return the number of failed comparisons
     */
    public static int run(Backend device, PrintStream out) {
        out.println("parity of " + device.name() + " against the CPU reference:");
        ParityCheck check = new ParityCheck(device, r -> out.println(r.line()));
        check.all();
        long failed = check.results.stream().filter(r -> !r.passed()).count();
        out.println(failed == 0 ? "parity passed: " + check.results.size() + " comparisons"
                : "PARITY FAILED: " + failed + " of " + check.results.size() + " comparisons");
        return (int) failed;
    }

    private void all() {
        int[][] gemmSizes = {{1, 1, 1}, {17, 33, 129}, {129, 65, 31}, {67, 257, 513}, {256, 300, 1000}};
        for (int[] s : gemmSizes) {
            for (int t = 0; t < 4; t++) {
                gemm(s[0], s[1], s[2], (t & 2) != 0, (t & 1) != 0, 1f, 0f);
            }
        }
        gemm(33, 17, 65, false, true, 0.5f, 2f); // beta ≠ 0: C is read and accumulated
        int[][] convs = { // n, cin, h, w, cout, k, stride, pad
            {1, 1, 5, 5, 2, 3, 1, 0}, {2, 3, 7, 9, 4, 3, 1, 1}, {3, 2, 9, 7, 5, 3, 2, 1}, {1, 4, 11, 13, 3, 5, 2, 2},
            {16, 16, 14, 14, 32, 3, 1, 1}};
        for (int[] c : convs) {
            conv(c);
        }
        for (Pool2d p : List.of(Pool2d.square(1, 1, 1, 1, 1, 1, 0), Pool2d.square(2, 3, 5, 5, 2, 2, 0),
                Pool2d.square(1, 2, 7, 9, 3, 2, 1), Pool2d.square(2, 5, 17, 17, 5, 3, 2),
                Pool2d.square(64, 16, 28, 28, 2, 2, 0))) {
            pool(p);
        }
        for (int count : new int[] {1, 17, 1000003}) {
            relu(count);
        }
        for (int[] shape : new int[][] {{1, 1}, {7, 33}, {61, 16411}}) {
            dropout(shape[0], shape[1]);
        }
        for (int[] nc : new int[][] {{1, 1}, {17, 10}, {129, 33}, {256, 1000}}) {
            softmaxXent(nc[0], nc[1], 1);
            softmaxXent(nc[0], nc[1], 30);
        }
        for (int[] s : new int[][] {{5, 17, 1}, {1, 7, 289}, {2, 16, 121}, {16, 64, 196}}) {
            batchNorm(s[0], s[1], s[2]);
        }
        for (int count : new int[] {1, 33, 100003}) {
            sgd(count, new SgdHyper(0.05f, 0f, 0f, 0f, false), true);
            sgd(count, new SgdHyper(0.01f, 0.9f, 0f, 1e-4f, true), false);
            sgd(count, new SgdHyper(0.01f, 0.5f, 0.3f, 1e-2f, false), false);
            clipGradNorm(count);
            adam(count, new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 1e-2, false, false, 1));
            adam(count, new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 1e-2, true, true, 7));
        }
    }

    private void gemm(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta) {
        SplittableRandom random = new SplittableRandom(31L * m + 17L * n + k + (transA ? 2 : 0) + (transB ? 1 : 0));
        GemmCheck.Case g = new GemmCheck.Case(m, n, k, transA, transB, alpha, beta);
        compare(GemmCheck.compare(device, g, GemmCheck.Operands.seeded(random, g), GEMM));
    }

    /** The layer (im2col, GEMMs, axis swaps, bias) forward and backward; gradients prefilled, as they accumulate. */
    private void conv(int[] c) {
        long seed = Arrays.hashCode(c);
        SplittableRandom random = new SplittableRandom(seed);
        int n = c[0], cin = c[1], h = c[2], w = c[3], cout = c[4], k = c[5], stride = c[6], pad = c[7];
        int outH = (h + 2 * pad - k) / stride + 1;
        int outW = (w + 2 * pad - k) / stride + 1;
        float[] x = uniform(random, n * cin * h * w);
        float[] dy = uniform(random, n * cout * outH * outW);
        float[] dW = uniform(random, cout * cin * k * k);
        float[] db = uniform(random, cout);
        float[][] got = conv(device, c, seed, x, dy, dW, db);
        float[][] want = conv(cpu, c, seed, x, dy, dW, db);
        String shape = String.format("conv n%d c%d %dx%d -> %d k%d s%d p%d", n, cin, h, w, cout, k, stride, pad);
        String[] parts = {"y", "dx", "dW", "db"};
        for (int i = 0; i < parts.length; i++) {
            compare(shape + " " + parts[i], got[i], want[i], CONV_LAYER);
        }
    }

    private static float[][] conv(Backend be, int[] c, long seed, float[] x, float[] dy, float[] dW, float[] db) {
        int outH = (c[2] + 2 * c[7] - c[5]) / c[6] + 1;
        int outW = (c[3] + 2 * c[7] - c[5]) / c[6] + 1;
        try (Conv2d conv = new Conv2d(be, c[1], c[4], c[5], c[6], c[7], new SplittableRandom(seed));
                Tensor xt = be.fromArray(x, c[0], c[1], c[2], c[3]);
                Tensor dyt = be.fromArray(dy, c[0], c[4], outH, outW)) {
            be.write(conv.weight().grad(), dW);
            be.write(conv.bias().grad(), db);
            float[] y = be.readFloats(conv.forward(xt));
            float[] dx = be.readFloats(conv.backward(dyt));
            return new float[][] {y, dx, be.readFloats(conv.weight().grad()), be.readFloats(conv.bias().grad())};
        }
    }

    private void pool(Pool2d p) {
        SplittableRandom random = new SplittableRandom(p.hashCode());
        int in = p.n() * p.c() * p.h() * p.w();
        int out = p.n() * p.c() * p.outH() * p.outW();
        float[] x = uniform(random, in);
        float[] dy = uniform(random, out);
        String shape = String.format("n%d c%d %dx%d k%d s%d p%d", p.n(), p.c(), p.h(), p.w(), p.kh(), p.sh(), p.ph());
        try (Tensor xd = device.fromArray(x, in); Tensor dyd = device.fromArray(dy, out);
                Tensor yd = poisoned(device, out); Tensor ad = poisonedInts(device, out);
                Tensor dxd = poisoned(device, in);
                Tensor xc = cpu.fromArray(x, in); Tensor dyc = cpu.fromArray(dy, out); Tensor yc = cpu.empty(DType.F32, out);
                Tensor ac = cpu.empty(DType.I32, out); Tensor dxc = cpu.empty(DType.F32, in)) {
            device.maxPoolForward(yd, ad, xd, p);
            cpu.maxPoolForward(yc, ac, xc, p);
            compare("max pool forward " + shape, device.readFloats(yd), cpu.readFloats(yc), EXACT);
            ParityComparison argmax = ParityComparison.of("max pool argmax " + shape, device.readInts(ad),
                    cpu.readInts(ac));
            compare(argmax);
            if (argmax.passed()) { // a wrong argmax could send the backward kernel's writes out of bounds
                device.maxPoolBackward(dxd, dyd, ad, null, p);
                cpu.maxPoolBackward(dxc, dyc, ac, null, p);
                compare("max pool backward " + shape, device.readFloats(dxd), cpu.readFloats(dxc), EXACT);
            }
            device.write(yd, nan(out));
            device.write(dxd, nan(in));
            device.avgPoolForward(yd, xd, p);
            cpu.avgPoolForward(yc, xc, p);
            compare("avg pool forward " + shape, device.readFloats(yd), cpu.readFloats(yc), AVG_POOL);
            device.avgPoolBackward(dxd, dyd, null, p);
            cpu.avgPoolBackward(dxc, dyc, null, p);
            compare("avg pool backward " + shape, device.readFloats(dxd), cpu.readFloats(dxc), AVG_POOL);
        }
    }

    private void relu(int count) {
        SplittableRandom random = new SplittableRandom(count);
        float[] x = uniform(random, count);
        float[] dy = uniform(random, count);
        try (Tensor xd = device.fromArray(x, count); Tensor dyd = device.fromArray(dy, count);
                Tensor yd = poisoned(device, count); Tensor dxd = poisoned(device, count);
                Tensor xc = cpu.fromArray(x, count); Tensor dyc = cpu.fromArray(dy, count);
                Tensor yc = cpu.empty(DType.F32, count); Tensor dxc = cpu.empty(DType.F32, count)) {
            device.reluForward(yd, xd, count);
            cpu.reluForward(yc, xc, count);
            compare("relu forward " + count, device.readFloats(yd), cpu.readFloats(yc), EXACT);
            device.reluBackward(dxd, dyd, xd, count);
            cpu.reluBackward(dxc, dyc, xc, count);
            compare("relu backward " + count, device.readFloats(dxd), cpu.readFloats(dxc), EXACT);
        }
    }

    /** The masks are integer arithmetic on both sides, so the outputs must be equal bit for bit. */
    private void dropout(int rows, int length) {
        int count = rows * length;
        SplittableRandom random = new SplittableRandom(count);
        float[] x = uniform(random, count);
        float[] dy = uniform(random, count);
        DropoutDraw draw = new DropoutDraw(count, 1, 1L << 33, 5, 0.3);
        try (Tensor xd = device.fromArray(x, rows, length); Tensor dyd = device.fromArray(dy, rows, length);
                Tensor yd = poisoned(device, rows, length); Tensor dxd = poisoned(device, rows, length);
                Tensor xc = cpu.fromArray(x, rows, length); Tensor dyc = cpu.fromArray(dy, rows, length);
                Tensor yc = cpu.empty(DType.F32, rows, length); Tensor dxc = cpu.empty(DType.F32, rows, length)) {
            device.dropoutForward(yd, xd, rows, length, draw);
            cpu.dropoutForward(yc, xc, rows, length, draw);
            compare("dropout forward " + rows + "x" + length, device.readFloats(yd), cpu.readFloats(yc), EXACT);
            device.dropoutBackward(dxd, dyd, rows, length, draw);
            cpu.dropoutBackward(dxc, dyc, rows, length, draw);
            compare("dropout backward " + rows + "x" + length, device.readFloats(dxd), cpu.readFloats(dxc), EXACT);
        }
    }

    /** Logits in [-scale, scale]: scale 30 checks that the row maximum is subtracted before exp. */
    private void softmaxXent(int n, int classes, float scale) {
        SplittableRandom random = new SplittableRandom(n * 1009L + classes);
        float[] logits = uniform(random, n * classes, -scale, scale);
        int[] labels = random.ints(n, 0, classes).toArray();
        String shape = n + "x" + classes + " logits ±" + (int) scale;
        try (Tensor ld = device.fromArray(logits, n, classes); Tensor yd = device.fromArray(labels, n);
                Tensor lossd = poisoned(device, 1); Tensor pd = poisoned(device, n, classes);
                Tensor dd = poisoned(device, n, classes);
                Tensor lc = cpu.fromArray(logits, n, classes); Tensor yc = cpu.fromArray(labels, n);
                Tensor lossc = cpu.empty(DType.F32, 1); Tensor pc = cpu.empty(DType.F32, n, classes);
                Tensor dc = cpu.empty(DType.F32, n, classes)) {
            device.softmaxXentForward(lossd, pd, null, ld, yd, n, classes);
            cpu.softmaxXentForward(lossc, pc, null, lc, yc, n, classes);
            compare("softmax-xent loss " + shape, device.readFloats(lossd), cpu.readFloats(lossc), SOFTMAX);
            compare("softmax-xent probs " + shape, device.readFloats(pd), cpu.readFloats(pc), SOFTMAX);
            device.softmaxXentBackward(dd, pd, yd, n, classes);
            cpu.softmaxXentBackward(dc, pc, yc, n, classes);
            compare("softmax-xent backward " + shape, device.readFloats(dd), cpu.readFloats(dc), SOFTMAX);
        }
    }

    /**
     * Batch norm over (n, channels, inner): the training forward with its saved statistics and running update, the
     * backward (accumulating into gradients that start at 0) and the eval forward with the updated statistics.
     */
    private void batchNorm(int n, int channels, int inner) {
        SplittableRandom random = new SplittableRandom(n * 7919L + channels * 31L + inner);
        int count = n * channels * inner;
        float[] x = uniform(random, count);
        float[] dy = uniform(random, count);
        float[] w = uniform(random, channels, 0.5f, 1.5f);
        float[] b = uniform(random, channels);
        String shape = "batchnorm " + n + "x" + channels + "x" + inner;
        String[] names = {"forward", "mean", "invStd", "running mean", "running var", "backward dx", "dWeight",
                "dBias", "eval forward"};
        float[][] got = batchNormRun(device, x, dy, w, b, n, channels, inner);
        float[][] want = batchNormRun(cpu, x, dy, w, b, n, channels, inner);
        for (int i = 0; i < names.length; i++) {
            compare(shape + " " + names[i], got[i], want[i], i == 8 ? BATCH_NORM_EVAL : BATCH_NORM);
        }
    }

    private static float[][] batchNormRun(Backend be, float[] x, float[] dy, float[] w, float[] b, int n,
            int channels, int inner) {
        int count = x.length;
        try (Tensor xt = be.fromArray(x, count); Tensor dyt = be.fromArray(dy, count);
                Tensor wt = be.fromArray(w, channels); Tensor bt = be.fromArray(b, channels);
                Tensor rm = be.fromArray(new float[channels], channels);
                Tensor rv = be.fromArray(uniform(new SplittableRandom(1), channels, 0.5f, 2f), channels);
                Tensor dw = be.fromArray(new float[channels], channels);
                Tensor db = be.fromArray(new float[channels], channels);
                Tensor y = poisoned(be, count); Tensor dx = poisoned(be, count); Tensor yEval = poisoned(be, count);
                Tensor mean = poisoned(be, channels); Tensor invStd = poisoned(be, channels)) {
            be.batchNormForward(y, mean, invStd, rm, rv, xt, wt, bt, n, channels, inner, 0.1f, 1e-5f);
            be.batchNormBackward(dx, dw, db, dyt, xt, mean, invStd, wt, n, channels, inner);
            be.batchNormEvalForward(yEval, xt, wt, bt, rm, rv, n, channels, inner, 1e-5f);
            return new float[][] {be.readFloats(y), be.readFloats(mean), be.readFloats(invStd), be.readFloats(rm),
                    be.readFloats(rv), be.readFloats(dx), be.readFloats(dw), be.readFloats(db), be.readFloats(yEval)};
        }
    }

    /** One step; the parameters and the momentum buffer are updated in place, so both start from the same values. */
    private void sgd(int count, SgdHyper hyper, boolean firstStep) {
        SplittableRandom random = new SplittableRandom(count + (long) Float.floatToIntBits(hyper.lr()));
        float[] w = uniform(random, count);
        float[] g = uniform(random, count);
        float[] b = uniform(random, count);
        boolean momentum = hyper.momentum() != 0;
        String name = String.format("sgd %d lr %s momentum %s%s%s", count, hyper.lr(), hyper.momentum(),
                hyper.nesterov() ? " nesterov" : "", firstStep ? " first step" : "");
        try (Tensor wd = device.fromArray(w, count); Tensor gd = device.fromArray(g, count);
                Tensor bd = device.fromArray(b, count);
                Tensor wc = cpu.fromArray(w, count); Tensor gc = cpu.fromArray(g, count); Tensor bc = cpu.fromArray(b, count)) {
            device.sgdUpdate(wd, momentum ? bd : null, gd, count, hyper, firstStep);
            cpu.sgdUpdate(wc, momentum ? bc : null, gc, count, hyper, firstStep);
            compare(name + " param", device.readFloats(wd), cpu.readFloats(wc), EXACT);
            if (momentum) {
                compare(name + " momentum", device.readFloats(bd), cpu.readFloats(bc), EXACT);
            }
        }
    }

    /** The global norm of two gradients (count and 17 elements) on each backend, then both clipped to half of it. */
    private void clipGradNorm(int count) {
        SplittableRandom random = new SplittableRandom(5L * count);
        float[] a = uniform(random, count);
        float[] b = uniform(random, 17);
        try (Tensor ad = device.fromArray(a, count); Tensor bd = device.fromArray(b, 17);
                Tensor sd = device.fromArray(new float[] {0f}, 1);
                Tensor ac = cpu.fromArray(a, count); Tensor bc = cpu.fromArray(b, 17);
                Tensor sc = cpu.fromArray(new float[] {0f}, 1)) {
            device.sumSquares(sd, ad, count);
            device.sumSquares(sd, bd, 17);
            cpu.sumSquares(sc, ac, count);
            cpu.sumSquares(sc, bc, 17);
            float[] sum = cpu.readFloats(sc);
            // The second sum adds to the first: twice the bound of one.
            compare("sum of squares " + count + " + 17", device.readFloats(sd), sum, 2 * SUM_SQUARES_BOUND);
            float maxNorm = 0.5f * (float) Math.sqrt(sum[0]);
            device.clipGradNorm(ad, sd, count, maxNorm);
            cpu.clipGradNorm(ac, sc, count, maxNorm);
            // Each backend clips by its own sum; the square root halves the sum's relative error in the norm.
            compare("clip grad norm " + count, device.readFloats(ad), cpu.readFloats(ac), CLIP_GRAD_NORM
                    + SUM_SQUARES_BOUND);
        }
    }

    /** One step from the same random moments on both backends; everything is updated in place. */
    private void adam(int count, AdamHyper hyper) {
        SplittableRandom random = new SplittableRandom(count + hyper.step());
        float[] w = uniform(random, count);
        float[] g = uniform(random, count);
        float[] m = uniform(random, count);
        float[] v = uniform(random, count);
        for (int i = 0; i < count; i++) {
            v[i] = Math.abs(v[i]); // a second moment is never negative
        }
        String name = String.format("adam%s %d step %d%s", hyper.decoupled() ? "w" : "", count, hyper.step(),
                hyper.amsgrad() ? " amsgrad" : "");
        Tensor[] d = {device.fromArray(w, count), device.fromArray(m, count), device.fromArray(v, count),
                device.fromArray(v, count), device.fromArray(g, count)};
        Tensor[] c = {cpu.fromArray(w, count), cpu.fromArray(m, count), cpu.fromArray(v, count),
                cpu.fromArray(v, count), cpu.fromArray(g, count)};
        try {
            device.adamUpdate(d[0], d[1], d[2], d[3], d[4], count, hyper);
            cpu.adamUpdate(c[0], c[1], c[2], c[3], c[4], count, hyper);
            String[] what = {" param", " exp_avg", " exp_avg_sq", " max_exp_avg_sq"};
            for (int i = 0; i < what.length; i++) {
                compare(name + what[i], device.readFloats(d[i]), cpu.readFloats(c[i]), EXACT);
            }
        } finally {
            for (int i = 0; i < d.length; i++) {
                d[i].close();
                c[i].close();
            }
        }
    }

    private void compare(String name, float[] got, float[] want, double tolerance) {
        compare(ParityComparison.of(name, got, want, tolerance));
    }

    private void compare(ParityComparison result) {
        results.add(result);
        report.accept(result);
    }
}
