package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("opencl")
class CountCorrectParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} classes={1}")
    @CsvSource({"1,1", "1,10", "3,7", "17,10", "129,33", "100003,10"})
    void countCorrectIsIdenticalAndOverwritesTheCount(int n, int classes) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = 19L * n + classes;
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = SeededData.uniform(random, n * classes, -1, 1);
        int[] labels = SeededData.labels(random, n, classes);
        for (int r = 0; r < n; r += 2) {
            labels[r] = argmax(x, r * classes, classes); // about half the rows right, for a non-trivial count
        }
        try (Tensor xc = cpu.fromArray(x, n, classes); Tensor xg = cl.fromArray(x, n, classes);
                Tensor yc = cpu.fromArray(labels, n); Tensor yg = cl.fromArray(labels, n);
                Tensor cc = SeededData.poisonedInts(cpu); Tensor cg = SeededData.poisonedInts(cl)) {
            cpu.countCorrect(cc, xc, yc, n, classes);
            cl.countCorrect(cg, xg, yg, n, classes);
            TestArrays.assertIdentical("countCorrect seed=" + seed, cl.readInts(cg), cpu.readInts(cc));
        }
    }

    private static int argmax(float[] x, int offset, int length) {
        int best = 0;
        for (int j = 1; j < length; j++) {
            if (x[offset + j] > x[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
