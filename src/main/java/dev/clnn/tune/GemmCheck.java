package dev.clnn.tune;

import static dev.clnn.tune.CheckData.nan;
import static dev.clnn.tune.CheckData.values;

import dev.clnn.backend.Errors;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import java.util.SplittableRandom;

/**
 * The GEMM families' check of one candidate against the CPU reference: each case on random operands (C poisoned with
 * NaN when beta is 0, so a read of it shows), the worst relative error kept (NaN included). The families keep their
 * own case lists and tolerances.
 */
final class GemmCheck {
    /** One product computed by the candidate under check, on the device. */
    @FunctionalInterface
    interface Candidate {
        void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
                float beta);
    }

    private final OpenClBackend backend;
    private final CpuBackend cpu;

    GemmCheck(OpenClBackend backend, CpuBackend cpu) {
        this.backend = backend;
        this.cpu = cpu;
    }

    /**
     * The worst relative error of the candidate over {@code cases}, each {m, n, k, transpositions (bit 0: A, bit 1:
     * B), beta}; NaN if any case gives NaN.
     */
    double worst(int[][] cases, Candidate candidate) {
        double worst = 0;
        SplittableRandom random = new SplittableRandom(11);
        for (int[] t : cases) {
            double error = checkOne(candidate, random, t[0], t[1], t[2], (t[3] & 1) != 0, (t[3] & 2) != 0, t[4]);
            if (!(error <= worst)) {
                worst = error; // keeps NaN
            }
        }
        return worst;
    }

    private double checkOne(Candidate candidate, SplittableRandom random, int m, int n, int k, boolean transA,
            boolean transB, float beta) {
        float[] a = values(random, m * k);
        float[] b = values(random, k * n);
        float[] c0 = beta == 0 ? nan(m * n) : values(random, m * n);
        try (Tensor ta = backend.fromArray(a, m * k); Tensor tb = backend.fromArray(b, k * n);
                Tensor tc = backend.fromArray(c0, m * n)) {
            candidate.gemm(tc, ta, tb, transA, transB, m, n, k, 0.5f, beta);
            float[] actual = backend.readFloats(tc);
            Tensor expected = cpu.fromArray(c0, m * n);
            cpu.gemm(expected, cpu.fromArray(a, m * k), cpu.fromArray(b, k * n), transA, transB, m, n, k, 0.5f, beta);
            return Errors.relative(actual, cpu.readFloats(expected));
        }
    }
}
