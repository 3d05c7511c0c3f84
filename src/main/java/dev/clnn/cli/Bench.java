package dev.clnn.cli;

import dev.clnn.backend.AdamHyper;
import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Shapes;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.profile.Profile;
import dev.clnn.backend.profile.ProfileTable;
import dev.clnn.backend.profile.ProfiledBackend;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.Optimizer;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.train.ModelStep;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code clnn bench}: quick figures for users, each the median of several timed repetitions after warm-up, every
 * repetition waiting for the device. The last line gives the figure, its unit and the device. (The JMH benchmarks in
 * benchmarks/ are the careful version.) On a {@link ProfiledBackend}, the training benchmark also prints the profile
 * of its timed repetitions before that last line.
 */
final class Bench {
    /**
     * At least this many warm-ups, and warm-ups for at least {@link #WARMUP_NANOS}: a product of 0.2 ms runs its launch
     * path interpreted by the JVM for its first few hundred calls (measured: 0.8 ms per 256² product over the first
     * 200, 0.15 ms once compiled), so a fixed handful of warm-ups times the JIT, not the device.
     */
    private static final int MIN_WARMUPS = 3;
    private static final long WARMUP_NANOS = 1_000_000_000L;
    /** At least this many timed repetitions, and timed repetitions for at least {@link #TIMED_NANOS}. */
    private static final int MIN_REPS = 7;
    private static final long TIMED_NANOS = 1_000_000_000L;

    private final Backend backend;
    private final PrintStream out;

    /** The timed repetitions of a benchmark: their median, count and total, and the profile of them (or null). */
    private record Timing(double median, int reps, long totalNanos, Profile profile) {
    }

    Bench(Backend backend, PrintStream out) {
        this.backend = backend;
        this.out = out;
    }

    /** Square GEMM n×n·n×n: GFLOP/s = 2n³ / median time. The product is checked first by {@link GemmSelfCheck}. */
    void gemm(int n) {
        GemmSelfCheck.Result check = GemmSelfCheck.run(backend, Math.min(n, 512));
        if (!check.passed()) {
            throw new IllegalStateException("gemm on " + backend.name() + " is wrong (relative error "
                    + check.relativeError() + "); not timing it");
        }
        SplittableRandom random = new SplittableRandom(1);
        try (Tensor a = random(random, n, n); Tensor b = random(random, n, n);
                Tensor c = backend.empty(DType.F32, n, n)) {
            double seconds = time(() -> backend.gemm(c, a, b, false, false, n, n, n, 1f, 0f)).median();
            out.printf(Locale.ROOT, "gemm %dx%d: %.2f ms, %.1f GFLOP/s on %s%n", n, n, seconds * 1e3,
                    2.0 * n * n * n / seconds / 1e9, backend.name());
        }
    }

    /** Memory-bound ops over {@code count} floats, in GB/s of data moved, next to a plain copy. */
    void ops(int count) {
        SplittableRandom random = new SplittableRandom(2);
        try (Tensor x = random(random, count); Tensor y = backend.empty(DType.F32, count);
                Tensor g = random(random, count); Tensor m = random(random, count)) {
            double copy = bandwidth("copy", 2, count, () -> backend.copy(y, x));
            double relu = bandwidth("relu forward", 2, count, () -> backend.reluForward(y, x, count));
            SgdHyper h = new SgdHyper(1e-6f, 0.9f, 0f, 0f, false);
            double sgd = bandwidth("sgd update (momentum)", 5, count,
                    () -> backend.sgdUpdate(x, m, g, count, h, false));
            double adam;
            try (Tensor v = backend.empty(DType.F32, count)) {
                backend.fill(v, 0.25f); // a second moment is ≥ 0
                AdamHyper a = new AdamHyper(1e-6, 0.9, 0.999, 1e-8, 0.01, true, false, 10);
                adam = bandwidth("adamw update", 7, count, () -> backend.adamUpdate(x, m, v, null, g, count, a));
            }
            out.printf(Locale.ROOT, "relu %.0f%%, sgd %.0f%%, adamw %.0f%% of copy bandwidth%n", 100 * relu / copy,
                    100 * sgd / copy, 100 * adam / copy);
            out.printf(Locale.ROOT, "sgd update: %.1f GB/s on %s%n", sgd, backend.name());
            batchNorm(x, y, g, m, count, copy);
        }
    }

    /**
     * BatchNorm2d over the same floats as (32, 64, count / 2048): the training forward reads x three times (mean,
     * variance, normalise) and writes y, the backward reads dy and x twice and writes dx; GB/s count those passes.
     */
    private void batchNorm(Tensor x, Tensor y, Tensor dy, Tensor dx, int count, double copy) {
        int n = 32;
        int c = 64;
        int inner = count / (n * c);
        if (inner < 1) {
            return;
        }
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        try (Tensor w = backend.fromArray(ones, c); Tensor b = backend.fromArray(new float[c], c);
                Tensor rm = backend.fromArray(new float[c], c); Tensor rv = backend.fromArray(ones, c);
                Tensor dw = backend.fromArray(new float[c], c); Tensor db = backend.fromArray(new float[c], c);
                Tensor mean = backend.empty(DType.F32, c); Tensor invStd = backend.empty(DType.F32, c)) {
            int used = n * c * inner;
            double forward = bandwidth("batchnorm2d forward", 4, used, () -> backend.batchNormForward(y, mean,
                    invStd, rm, rv, x, w, b, n, c, inner, 0.1f, 1e-5f));
            double backward = bandwidth("batchnorm2d backward", 5, used, () -> backend.batchNormBackward(dx, dw, db,
                    dy, x, mean, invStd, w, n, c, inner));
            out.printf(Locale.ROOT, "batchnorm2d forward %.0f%%, backward %.0f%% of copy bandwidth%n",
                    100 * forward / copy, 100 * backward / copy);
        }
    }

    private double bandwidth(String name, int arrays, int count, Runnable op) {
        double seconds = time(op).median();
        double gbs = (double) arrays * count * 4 / seconds / 1e9;
        out.printf(Locale.ROOT, "%-22s %d M floats: %.2f ms, %.1f GB/s%n", name, count >> 20, seconds * 1e3, gbs);
        return gbs;
    }

    /**
     * Training steps (forward, loss, backward, update) of a model on random data: samples/s. The optimiser is that of
     * plain SGD (no momentum, the cheapest update), Adam, or AdamW with PyTorch's weight decay 0.01.
     */
    void train(ModelSpec spec, int batch, OptimizerKind optimizer) {
        int[] sample = spec.layers().get(0) instanceof dev.clnn.model.LayerSpec.Linear l ? new int[] {l.in()}
                : new int[] {1, 28, 28};
        SplittableRandom random = new SplittableRandom(3);
        try (ModelStep step = ModelStep.open(backend, Models.build(backend, spec, 1), SoftmaxCrossEntropy::new,
                benchOptimizer(optimizer), LrSchedule.constant(0.01));
                Tensor x = random(random, Models.batchShape(batch, sample))) {
            int classes = step.model().outputShape(Models.batchShape(batch, sample))[1];
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = random.nextInt(classes);
            }
            try (Tensor y = backend.fromArray(labels, batch)) {
                int steps = 5;
                Timing timing = time(() -> {
                    for (int s = 0; s < steps; s++) {
                        step.step(x, y); // reads the loss, as in training
                    }
                });
                double seconds = timing.median() / steps;
                out.printf(Locale.ROOT, "%s, batch %d, %s: %.2f ms per step%n", spec.text(), batch,
                        optimizer.text(), seconds * 1e3);
                if (timing.profile() != null) {
                    ProfileTable.lines(timing.profile(), (long) timing.reps() * steps, timing.totalNanos(), backend.name())
                            .forEach(out::println);
                }
                out.printf(Locale.ROOT, "train: %.0f samples/s on %s%n", batch / seconds, backend.name());
            }
        }
    }

    static Optimizer.Factory benchOptimizer(OptimizerKind kind) {
        return kind.factory(0f, false, kind == OptimizerKind.ADAMW ? 0.01f : 0f, AdamSettings.DEFAULTS);
    }

    /** Warm-ups, then timed repetitions, each bounded below by a count and a time; a profile covers exactly the timed. */
    private Timing time(Runnable op) {
        long warmupStart = System.nanoTime();
        for (int i = 0; i < MIN_WARMUPS || System.nanoTime() - warmupStart < WARMUP_NANOS; i++) {
            op.run();
            backend.synchronize();
        }
        ProfiledBackend profiled = backend instanceof ProfiledBackend p ? p : null;
        if (profiled != null) {
            profiled.takeProfile(); // drops the warm-ups
        }
        List<Long> times = new ArrayList<>();
        long total = 0;
        while (times.size() < MIN_REPS || total < TIMED_NANOS) {
            long start = System.nanoTime();
            op.run();
            backend.synchronize();
            long nanos = System.nanoTime() - start;
            total += nanos;
            times.add(nanos);
        }
        Collections.sort(times);
        return new Timing(times.get(times.size() / 2) / 1e9, times.size(), total,
                profiled == null ? null : profiled.takeProfile());
    }

    private Tensor random(SplittableRandom random, int... shape) {
        float[] data = new float[dev.clnn.backend.Shapes.elementCount(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextDouble(-1, 1);
        }
        return backend.fromArray(data, shape);
    }
}
