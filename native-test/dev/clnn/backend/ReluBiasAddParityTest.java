package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backward of a ReLU fused into a linear layer with that layer's bias gradient: dx is bit for bit the
 * reference's (the same select), db within the reduction tolerance of the reference's (a different order of
 * additions); and on the device, fused and unfused (reluBackward, then biasAddBackward) give the same bits, since
 * the kernel sums the same gated values in the same order.
 */
@Tag("opencl")
class ReluBiasAddParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} channels={1}")
    @CsvSource({"1,1", "3,5", "5,11", "17,8", "64,10", "7,129", "256,1024"})
    void gatesLikeReluBackwardAndSumsLikeBiasAddBackward(int n, int channels) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = n * 10_007L + channels;
        SplittableRandom random = new SplittableRandom(seed);
        int count = n * channels;
        float[] gate = SeededData.uniform(random, count, -1, 1);
        gate[random.nextInt(count)] = 0f;
        gate[random.nextInt(count)] = -0f;
        gate[random.nextInt(count)] = Float.NaN;
        float[] dy = SeededData.uniform(random, count, -1, 1);
        float[] db0 = SeededData.uniform(random, channels, -1, 1); // accumulating output: same prefill on all
        String what = "n=" + n + " channels=" + channels + " seed=" + seed;

        float[][] expected = fused(cpu, gate, dy, db0, n, channels);
        float[][] actual = fused(cl, gate, dy, db0, n, channels);
        TestArrays.assertIdentical("reluBiasAddBackward dx " + what, actual[0], expected[0]);
        TestArrays.assertClose("reluBiasAddBackward db " + what, actual[1], expected[1], Tolerances.REDUCTION);
        float[][] apart = unfused(cl, gate, dy, db0, n, channels);
        TestArrays.assertIdentical("fused vs unfused dx on the device " + what, actual[0], apart[0]);
        TestArrays.assertIdentical("fused vs unfused db on the device " + what, actual[1], apart[1]);
    }

    private static float[][] fused(Backend be, float[] gate, float[] dy, float[] db0, int n, int channels) {
        try (Tensor g = be.fromArray(gate, n, channels); Tensor d = be.fromArray(dy, n, channels);
                Tensor db = be.fromArray(db0, channels); Tensor dx = SeededData.poisoned(be, n, channels)) {
            be.reluBiasAddBackward(dx, db, d, g, n, channels);
            return new float[][] {be.readFloats(dx), be.readFloats(db)};
        }
    }

    private static float[][] unfused(Backend be, float[] gate, float[] dy, float[] db0, int n, int channels) {
        try (Tensor g = be.fromArray(gate, n, channels); Tensor d = be.fromArray(dy, n, channels);
                Tensor db = be.fromArray(db0, channels); Tensor dx = SeededData.poisoned(be, n, channels)) {
            be.reluBackward(dx, d, g, n * channels);
            be.biasAddBackward(db, dx, n, channels, 1);
            return new float[][] {be.readFloats(dx), be.readFloats(db)};
        }
    }
}
