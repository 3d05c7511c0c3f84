package dev.clnn.check;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The one check of a GEMM against the CPU reference: C (m, n) = alpha·op(A)·op(B) + beta·C on seeded operands, with C
 * poisoned by NaN when beta is 0 (a product must write every element and must not read C then). The tuner checks its
 * candidates with it, {@code clnn selfcheck} and {@link ParityCheck} check a backend's GEMM, and each GEMM benchmark
 * checks its kernel before timing it.
 */
public final class GemmCheck {
    /** The product under check: a backend's {@code gemm} or a tuning candidate's, on tensors of {@code backend}. */
    @FunctionalInterface
    public interface Product {
        void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
                float beta);
    }

    /**
     * One product's sizes, transpositions and scalars.
     *
     * @param m      rows of C and op(A)
     * @param n      columns of C and op(B)
     * @param k      the inner size, the length of each dot product
     * @param transA A is stored (k, m) and used transposed
     * @param transB B is stored (n, k) and used transposed
     * @param alpha  the product's scale
     * @param beta   C's scale; 0 means C is written, never read
     */
    public record Case(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta) {
        /** {@code gemm NT 17x33x129}, and the beta when C is accumulated. */
        public String name() {
            return String.format(Locale.ROOT, "gemm %s%s %dx%dx%d", transA ? "T" : "N", transB ? "T" : "N", m, n, k)
                    + (beta == 0 ? "" : " beta " + beta);
        }

        /** A's stored shape: (m, k), or (k, m) when transposed. */
        int[] aShape() {
            return transA ? new int[] {k, m} : new int[] {m, k};
        }

        /** B's stored shape: (k, n), or (n, k) when transposed. */
        int[] bShape() {
            return transB ? new int[] {n, k} : new int[] {k, n};
        }
    }

    /**
     * A product's operands.
     *
     * @param a A in its stored layout (m·k values)
     * @param b B in its stored layout (k·n values)
     * @param c C before the call (m·n values): NaN when beta is 0
     */
    public record Operands(float[] a, float[] b, float[] c) {
        /** A, then B, then C (unless beta is 0, when C is NaN and draws nothing), each uniform in [-1, 1). */
        public static Operands seeded(SplittableRandom random, Case g) {
            float[] a = SeededData.uniform(random, g.m() * g.k());
            float[] b = SeededData.uniform(random, g.k() * g.n());
            float[] c = g.beta() == 0 ? SeededData.nan(g.m() * g.n()) : SeededData.uniform(random, g.m() * g.n());
            return new Operands(a, b, c);
        }
    }

    private static final long WORST_SEED = 11;

    private GemmCheck() {
    }

    /** {@code backend}'s own GEMM against the reference: see {@link #compare(Backend, Product, Case, Operands, double)}. */
    public static ParityComparison compare(Backend backend, Case g, Operands o, double tolerance) {
        return compare(backend, backend::gemm, g, o, tolerance);
    }

    /**
     * Runs {@code product} on {@code o} uploaded to {@code backend}, the CPU reference on the same operands, and
     * compares the two C's.
     */
    public static ParityComparison compare(Backend backend, Product product, Case g, Operands o, double tolerance) {
        return ParityComparison.of(g.name(), run(backend, product, g, o), reference(g, o), tolerance);
    }

    /**
     * The worst relative error of {@code product} over {@code cases}, their operands drawn in turn from one stream of
     * a fixed seed, so every candidate of a tuning run is judged on the same numbers; NaN if any case fails outright
     * (a NaN or infinity where the reference is finite).
     */
    public static double worst(Backend backend, Product product, List<Case> cases) {
        SplittableRandom random = new SplittableRandom(WORST_SEED);
        double worst = 0;
        for (Case g : cases) {
            double error = compare(backend, product, g, Operands.seeded(random, g), Double.POSITIVE_INFINITY)
                    .relError();
            if (!(error <= worst)) {
                worst = error; // keeps NaN
            }
        }
        return worst;
    }

    private static float[] run(Backend backend, Product product, Case g, Operands o) {
        try (Tensor a = backend.fromArray(o.a(), g.aShape()); Tensor b = backend.fromArray(o.b(), g.bShape());
                Tensor c = backend.fromArray(o.c(), g.m(), g.n())) {
            product.gemm(c, a, b, g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), g.beta());
            return backend.readFloats(c);
        }
    }

    private static float[] reference(Case g, Operands o) {
        try (CpuBackend cpu = new CpuBackend()) {
            return run(cpu, cpu::gemm, g, o);
        }
    }
}
