package dev.clnn.tune;

import static dev.clnn.check.SeededData.uniform;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The operands of a GEMM family's timed workload, on the device being tuned: for each product, A and B filled with
 * seeded random values and an output C. Made once, so that a round times products, not uploads; closed together.
 */
final class GemmOperands implements AutoCloseable {
    /** One product of a workload: C (m × n) = op(A) (m × k) · op(B) (k × n). */
    record Shape(int m, int n, int k, boolean transA, boolean transB) {
        double flops() {
            return 2.0 * m * n * k;
        }
    }

    /** Runs one product of a round on its operands. */
    @FunctionalInterface
    interface Call {
        void run(Shape s, Tensor c, Tensor a, Tensor b);
    }

    private final Map<Shape, Tensor[]> operands = new LinkedHashMap<>(); // {A, B, C}

    /** Uploads operands for each distinct shape of {@code shapes}, in order, from one seeded stream. */
    GemmOperands(Backend backend, List<Shape> shapes) {
        SplittableRandom random = new SplittableRandom(7);
        try {
            for (Shape s : shapes) {
                if (!operands.containsKey(s)) {
                    operands.put(s, new Tensor[] {upload(backend, random, s.m() * s.k()),
                        upload(backend, random, s.k() * s.n()), backend.empty(DType.F32, s.m() * s.n())});
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Runs {@code call} on the operands of each of {@code shapes}, in order. */
    void runEach(List<Shape> shapes, Call call) {
        for (Shape s : shapes) {
            Tensor[] t = operands.get(s);
            if (t == null) {
                throw new IllegalArgumentException("no operands for " + s);
            }
            call.run(s, t[2], t[0], t[1]);
        }
    }

    @Override
    public void close() {
        for (Tensor[] t : operands.values()) {
            for (Tensor x : t) {
                x.close();
            }
        }
        operands.clear();
    }

    private static Tensor upload(Backend backend, SplittableRandom random, int count) {
        return backend.fromArray(uniform(random, count), count);
    }
}
