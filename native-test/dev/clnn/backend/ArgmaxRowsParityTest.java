package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("opencl")
class ArgmaxRowsParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} classes={1}")
    @CsvSource({"1,1", "1,10", "3,7", "17,10", "129,33", "10007,10"})
    void argmaxIsIdenticalWithTiesAndNaN(int n, int classes) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = 17L * n + classes;
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = SeededData.ternary(random, n * classes);
        x[random.nextInt(x.length)] = Float.NaN;
        try (Tensor xc = cpu.fromArray(x, n, classes); Tensor xg = cl.fromArray(x, n, classes);
                Tensor ic = SeededData.poisonedInts(cpu, n); Tensor ig = SeededData.poisonedInts(cl, n)) {
            cpu.argmaxRows(ic, xc, n, classes);
            cl.argmaxRows(ig, xg, n, classes);
            TestArrays.assertIdentical("argmaxRows seed=" + seed, cl.readInts(ig), cpu.readInts(ic));
        }
    }
}
