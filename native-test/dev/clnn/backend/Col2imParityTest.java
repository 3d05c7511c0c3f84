package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class Col2imParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void col2imSumsTheSameTapsInTheSameOrder() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 50;
        for (Conv2dShape s : ConvCases.all()) {
            SplittableRandom random = new SplittableRandom(++seed);
            float[] col = SeededData.uniform(random, s.colSize(), -1, 1);
            // Both sum each input's taps in ascending (dh, dw) order: bit-identical.
            TestArrays.assertIdentical("col2im " + s + " seed=" + seed, run(cl, col, s), run(cpu, col, s));
        }
    }

    private static float[] run(Backend be, float[] col, Conv2dShape s) {
        try (Tensor c = be.fromArray(col, s.patch(), s.columns());
                Tensor dx = SeededData.poisoned(be, s.n(), s.cin(), s.h(), s.w())) {
            be.col2im(dx, c, s);
            return be.readFloats(dx);
        }
    }
}
