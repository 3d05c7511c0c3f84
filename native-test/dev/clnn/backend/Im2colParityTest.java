package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class Im2colParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void im2colCopiesExactlyTheSameEntriesIncludingPaddingZeros() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 0;
        for (Conv2dShape s : ConvCases.all()) {
            SplittableRandom random = new SplittableRandom(++seed);
            float[] x = SeededData.uniform(random, s.inputSize(), -1, 1);
            TestArrays.assertIdentical("im2col " + s + " seed=" + seed, run(cl, x, s), run(cpu, x, s));
        }
    }

    private static float[] run(Backend be, float[] x, Conv2dShape s) {
        try (Tensor xt = be.fromArray(x, s.n(), s.cin(), s.h(), s.w());
                Tensor col = SeededData.poisoned(be, s.patch(), s.columns())) {
            be.im2col(col, xt, s);
            return be.readFloats(col);
        }
    }
}
