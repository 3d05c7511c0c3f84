package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class MaxPoolParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void maxPoolValuesArgmaxAndGradientAreIdentical() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 0;
        for (Pool2d p : PoolCases.all()) {
            for (String input : new String[] {"uniform", "ties", "specials"}) {
                SplittableRandom random = new SplittableRandom(++seed);
                // Ternary inputs make many ties, which both must break the same way (first maximum wins); NaN and
                // −∞ must win and lose as in PyTorch.
                float[] x = input.equals("ties") ? SeededData.ternary(random, p.inputSize())
                        : SeededData.uniform(random, p.inputSize(), -1, 1);
                if (input.equals("specials")) {
                    for (int i = 0; i < x.length; i++) {
                        int pick = random.nextInt(10);
                        x[i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY : x[i];
                    }
                }
                float[] dy = SeededData.uniform(random, p.outputSize(), -1, 1);
                Result expected = run(cpu, x, dy, p);
                Result actual = run(cl, x, dy, p);
                String what = p + " input=" + input + " seed=" + seed;
                TestArrays.assertIdentical("maxPoolForward " + what, actual.y, expected.y);
                TestArrays.assertIdentical("maxPoolForward argmax " + what, actual.argmax, expected.argmax);
                // Same summation order (outputs in raster order) on both sides: bit-identical.
                TestArrays.assertIdentical("maxPoolBackward " + what, actual.dx, expected.dx);
            }
        }
    }

    /**
     * After a fused ReLU the input is a ReLU's output (many exact zeros, some NaN, which the ReLU passes) and backward
     * drops dy where the output y is ≤ 0: bit-identical to the reference, which equals the pooling's backward
     * followed by the ReLU's (gated by x), on every kernel form (gather, block, 2×2).
     */
    @Test
    void theFusedReluGradientIsIdenticalAndEqualsThePoolingThenTheRelu() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 500;
        for (Pool2d p : PoolCases.all()) {
            SplittableRandom random = new SplittableRandom(++seed);
            float[] x = reluOutput(random, p.inputSize());
            float[] dy = SeededData.uniform(random, p.outputSize(), -1, 1);
            Result expected = run(cpu, x, dy, p, true);
            TestArrays.assertIdentical("maxPoolBackward relu " + p + " seed=" + seed, run(cl, x, dy, p, true).dx,
                    expected.dx);
            float[] unfused = run(cpu, x, dy, p, false).dx;
            try (Tensor g = cpu.fromArray(unfused, unfused.length); Tensor xt = cpu.fromArray(x, x.length);
                    Tensor dx = SeededData.poisoned(cpu, x.length)) {
                cpu.reluBackward(dx, g, xt, x.length);
                TestArrays.assertIdentical("maxPoolBackward relu = pool then relu " + p, expected.dx,
                        cpu.readFloats(dx));
            }
        }
    }

    /** A ReLU's output: a third exact zeros, one in twenty NaN, the rest positive. */
    static float[] reluOutput(SplittableRandom random, int count) {
        float[] x = SeededData.uniform(random, count, -0.5, 1);
        for (int i = 0; i < count; i++) {
            x[i] = random.nextInt(20) == 0 ? Float.NaN : Math.max(x[i], 0f);
        }
        return x;
    }

    private record Result(float[] y, int[] argmax, float[] dx) {
    }

    private static Result run(Backend be, float[] x, float[] dy, Pool2d p) {
        return run(be, x, dy, p, false);
    }

    private static Result run(Backend be, float[] x, float[] dy, Pool2d p, boolean fusedRelu) {
        try (Tensor xt = be.fromArray(x, p.n(), p.c(), p.h(), p.w());
                Tensor dyt = be.fromArray(dy, p.n(), p.c(), p.outH(), p.outW());
                Tensor y = SeededData.poisoned(be, p.n(), p.c(), p.outH(), p.outW());
                Tensor arg = SeededData.poisonedInts(be, p.n(), p.c(), p.outH(), p.outW());
                Tensor dx = SeededData.poisoned(be, p.n(), p.c(), p.h(), p.w())) {
            be.maxPoolForward(y, arg, xt, p);
            be.maxPoolBackward(dx, dyt, arg, fusedRelu ? y : null, p);
            return new Result(be.readFloats(y), be.readInts(arg), be.readFloats(dx));
        }
    }
}
