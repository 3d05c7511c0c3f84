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
 * batchNormEvalForward on the device against the CPU reference: an elementwise map with the running statistics, so
 * one value per channel (n = 1, inner = 1), which training refuses, is fine here. Running means are far from the
 * data's and running variances span small to large, as after training on another distribution. y is poisoned.
 */
@Tag("opencl")
class BatchNormEvalParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} channels={1} inner={2}")
    @CsvSource({"1,1,1", "1,7,1", "3,17,1", "1,3,25", "2,5,7", "5,13,257", "33,1,1"})
    void evalForwardMatches(int n, int channels, int inner) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = 1009L * n + 31L * channels + inner;
        SplittableRandom random = new SplittableRandom(seed);
        int count = n * channels * inner;
        float[] x = SeededData.uniform(random, count, -3, 3);
        float[] weight = SeededData.uniform(random, channels, -2, 2);
        float[] bias = SeededData.uniform(random, channels, -1, 1);
        float[] runningMean = SeededData.uniform(random, channels, -2, 2);
        float[] runningVar = SeededData.uniform(random, channels, 1e-3, 10);
        float[] expected = run(cpu, x, weight, bias, runningMean, runningVar, n, channels, inner);
        float[] actual = run(cl, x, weight, bias, runningMean, runningVar, n, channels, inner);
        TestArrays.assertClose("batchNormEvalForward n=" + n + " channels=" + channels + " inner=" + inner
                + " seed=" + seed, actual, expected, Tolerances.BATCH_NORM_EVAL);
    }

    private static float[] run(Backend be, float[] x, float[] weight, float[] bias, float[] runningMean,
            float[] runningVar, int n, int channels, int inner) {
        try (Tensor xt = be.fromArray(x, x.length); Tensor w = be.fromArray(weight, channels);
                Tensor b = be.fromArray(bias, channels); Tensor rm = be.fromArray(runningMean, channels);
                Tensor rv = be.fromArray(runningVar, channels); Tensor y = SeededData.poisoned(be, x.length)) {
            be.batchNormEvalForward(y, xt, w, b, rm, rv, n, channels, inner, 1e-5f);
            return be.readFloats(y);
        }
    }
}
