package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Errors;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import java.util.SplittableRandom;

/** Multiplies two random n×n matrices on a backend, checks the product against the CPU reference and times it. */
final class GemmSelfCheck {
    /** fp32 dot products of length n ≤ a few thousand stay well inside this relative error. */
    static final double TOLERANCE = 1e-5;

    record Result(double relativeError, double gflops, boolean passed) {
    }

    private GemmSelfCheck() {
    }

    static Result run(Backend backend, int n) {
        SplittableRandom random = new SplittableRandom(42);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
            b[i] = (float) random.nextDouble(-1, 1);
        }
        CpuBackend cpu = new CpuBackend();
        float[] expected = product(cpu, a, b, n);
        try (Tensor ta = backend.fromArray(a, n, n); Tensor tb = backend.fromArray(b, n, n);
                Tensor tc = backend.empty(DType.F32, n, n)) {
            backend.gemm(tc, ta, tb, false, false, n, n, n, 1f, 0f);
            float[] actual = backend.readFloats(tc);
            int reps = 5;
            long start = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                backend.gemm(tc, ta, tb, false, false, n, n, n, 1f, 0f);
            }
            backend.synchronize();
            double seconds = (System.nanoTime() - start) / 1e9 / reps;
            double error = Errors.relative(actual, expected);
            return new Result(error, 2.0 * n * n * n / seconds / 1e9, error <= TOLERANCE);
        }
    }

    private static float[] product(CpuBackend cpu, float[] a, float[] b, int n) {
        Tensor c = cpu.empty(DType.F32, n, n);
        cpu.gemm(c, cpu.fromArray(a, n, n), cpu.fromArray(b, n, n), false, false, n, n, n, 1f, 0f);
        return cpu.readFloats(c);
    }
}
