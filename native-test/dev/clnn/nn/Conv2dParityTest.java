package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.check.Tolerances;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.TestArrays;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Conv2d layer forward and backward on OpenCL against the CPU reference, with each algorithm forced on both: im2col,
 * GEMMs, axis swaps and bias; and the direct kernels for the shapes they take (the others fall back to im2col).
 */
@Tag("opencl")
class Conv2dParityTest {
    @ParameterizedTest
    @EnumSource(ConvAlgorithm.class)
    void convForwardAndAllGradientsMatchTheReference(ConvAlgorithm algorithm) {
        Backend cl = OpenClTestSupport.backend(algorithm);
        Backend cpu = new CpuBackend(new ConvPolicy(algorithm, false));
        int[][] cases = { // n, cin, h, w, cout, k, stride, pad
            {1, 1, 5, 5, 2, 3, 1, 0}, {2, 3, 7, 9, 4, 3, 1, 1}, {3, 2, 9, 7, 5, 3, 2, 1}, {1, 4, 11, 13, 3, 5, 2, 2},
            {2, 2, 6, 6, 3, 1, 1, 0}, {16, 16, 14, 14, 32, 3, 1, 1}, {64, 1, 28, 28, 16, 3, 1, 1}};
        for (int[] c : cases) {
            long seed = java.util.Arrays.hashCode(c);
            Conv2dShape s = Conv2dShape.square(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
            assertEquals(algorithm.supports(s) ? algorithm : ConvAlgorithm.IM2COL_GEMM, cl.convAlgorithm(s));
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = SeededData.uniform(random, s.inputSize(), -1, 1);
            float[] dy = SeededData.uniform(random, s.outputSize(), -1, 1);
            float[][] expected = run(cpu, s, x, dy, seed);
            float[][] actual = run(cl, s, x, dy, seed);
            String[] names = {"y", "dx", "dW", "db"};
            for (int i = 0; i < names.length; i++) {
                TestArrays.assertClose("conv " + algorithm + " " + names[i] + " " + s + " seed=" + seed, actual[i], expected[i],
                        Tolerances.CONV_LAYER);
            }
        }
    }

    private static float[][] run(Backend be, Conv2dShape s, float[] x, float[] dy, long seed) {
        try (Conv2d conv = new Conv2d(be, s.cin(), s.cout(), s.kh(), s.sh(), s.ph(), new SplittableRandom(seed));
                Tensor xt = be.fromArray(x, s.n(), s.cin(), s.h(), s.w());
                Tensor dyt = be.fromArray(dy, s.n(), s.cout(), s.outH(), s.outW())) {
            float[] y = be.readFloats(conv.forward(xt));
            float[] dx = be.readFloats(conv.backward(dyt));
            return new float[][] {y, dx, be.readFloats(conv.weight().grad()), be.readFloats(conv.bias().grad())};
        }
    }
}
