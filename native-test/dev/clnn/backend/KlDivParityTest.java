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
class KlDivParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} classes={1}")
    @CsvSource({"1,1", "1,10", "3,7", "17,10", "129,33", "1031,1000"})
    void klDivergenceMatchesWithZeroTargets(int n, int classes) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = 13L * n + classes;
        SplittableRandom random = new SplittableRandom(seed);
        float[] p = rowsOfProbabilities(random, n, classes);
        float[] logQ = SeededData.uniform(random, n * classes, -6, 0);
        float[][] expected = run(cpu, logQ, p, n, classes);
        float[][] actual = run(cl, logQ, p, n, classes);
        String what = "n=" + n + " classes=" + classes + " seed=" + seed;
        TestArrays.assertClose("klDivForward " + what, actual[0], expected[0], Tolerances.KL);
        TestArrays.assertIdentical("klDivBackward " + what, actual[1], expected[1]);
    }

    /** Random distributions per row, with about one entry in five exactly zero. */
    private static float[] rowsOfProbabilities(SplittableRandom random, int n, int classes) {
        float[] p = new float[n * classes];
        for (int r = 0; r < n; r++) {
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                double v = random.nextInt(5) == 0 ? 0 : random.nextDouble();
                p[r * classes + j] = (float) v;
                sum += v;
            }
            for (int j = 0; j < classes && sum > 0; j++) {
                p[r * classes + j] = (float) (p[r * classes + j] / sum);
            }
        }
        return p;
    }

    private static float[][] run(Backend be, float[] logQ, float[] p, int n, int classes) {
        try (Tensor lq = be.fromArray(logQ, n, classes); Tensor pt = be.fromArray(p, n, classes);
                Tensor loss = SeededData.poisoned(be); Tensor d = SeededData.poisoned(be, n, classes)) {
            be.klDivForward(loss, lq, pt, n, classes);
            be.klDivBackward(d, pt, n, classes);
            return new float[][] {be.readFloats(loss), be.readFloats(d)};
        }
    }
}
