package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.check.GemmCheck;
import dev.clnn.check.ParityComparison;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;

/** Multiplies two random n×n matrices on a backend, checks the product against the CPU reference and times it. */
final class GemmSelfCheck {
    record Result(double relativeError, double gflops, boolean passed) {
    }

    private GemmSelfCheck() {
    }

    static Result run(Backend backend, int n) {
        GemmCheck.Case g = new GemmCheck.Case(n, n, n, false, false, 1f, 0f);
        GemmCheck.Operands o = GemmCheck.Operands.seeded(new SplittableRandom(42), g);
        ParityComparison check = GemmCheck.compare(backend, g, o, Tolerances.GEMM);
        try (Tensor ta = backend.fromArray(o.a(), n, n); Tensor tb = backend.fromArray(o.b(), n, n);
                Tensor tc = backend.empty(DType.F32, n, n)) {
            backend.gemm(tc, ta, tb, false, false, n, n, n, 1f, 0f); // first touch of these buffers, untimed
            backend.synchronize();
            int reps = 5;
            long start = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                backend.gemm(tc, ta, tb, false, false, n, n, n, 1f, 0f);
            }
            backend.synchronize();
            double seconds = (System.nanoTime() - start) / 1e9 / reps;
            return new Result(check.relError(), 2.0 * n * n * n / seconds / 1e9, check.passed());
        }
    }
}
