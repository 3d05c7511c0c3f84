package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("opencl")
class BiasAddParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "outer={0} channels={1} inner={2}")
    @CsvSource({"1,1,1", "3,5,1", "17,7,13", "64,10,1", "2,33,129", "1,1,100003", "256,1024,1", "1,32,12544", "64,3,197"})
    void biasAddForwardIsIdenticalAndBackwardAccumulatesTheSameSums(int outer, int channels, int inner) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = outer * 1_000_003L + channels * 1009L + inner;
        SplittableRandom random = new SplittableRandom(seed);
        int count = outer * channels * inner;
        float[] y = SeededData.uniform(random, count, -1, 1);
        float[] b = SeededData.uniform(random, channels, -1, 1);
        float[] db0 = SeededData.uniform(random, channels, -1, 1); // accumulating output: same prefill on both
        float[] dy = SeededData.uniform(random, count, -1, 1);
        // For the fused ReLU: a sum that is exactly 0 (stays 0) and a NaN (passes, as reluForward).
        int zero = random.nextInt(count);
        y[zero] = -b[(zero / inner) % channels];
        y[random.nextInt(count)] = Float.NaN;

        for (boolean relu : new boolean[] {false, true}) {
            TestArrays.assertIdentical("biasAddForward relu=" + relu + " seed=" + seed,
                    forward(cl, y, b, outer, channels, inner, relu), forward(cpu, y, b, outer, channels, inner, relu));
        }
        TestArrays.assertClose("biasAddBackward seed=" + seed, backward(cl, db0, dy, outer, channels, inner),
                backward(cpu, db0, dy, outer, channels, inner), Tolerances.REDUCTION);
    }

    private static float[] forward(Backend be, float[] y, float[] b, int outer, int channels, int inner,
            boolean relu) {
        try (Tensor yt = be.fromArray(y, y.length); Tensor bt = be.fromArray(b, b.length)) {
            be.biasAddForward(yt, bt, outer, channels, inner, relu);
            return be.readFloats(yt);
        }
    }

    private static float[] backward(Backend be, float[] db0, float[] dy, int outer, int channels, int inner) {
        try (Tensor db = be.fromArray(db0, db0.length); Tensor d = be.fromArray(dy, dy.length)) {
            be.biasAddBackward(db, d, outer, channels, inner);
            return be.readFloats(db);
        }
    }
}
