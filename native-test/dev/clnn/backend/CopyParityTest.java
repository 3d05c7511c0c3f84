package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class CopyParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void copyWritesEveryElement() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : Sizes.ELEMENTS) {
            float[] src = SeededData.uniform(new SplittableRandom(count), count, -1, 1);
            try (Tensor sc = cpu.fromArray(src, count); Tensor sg = cl.fromArray(src, count);
                    Tensor dc = SeededData.poisoned(cpu, count); Tensor dg = SeededData.poisoned(cl, count)) {
                cpu.copy(dc, sc);
                cl.copy(dg, sg);
                TestArrays.assertIdentical("copy n=" + count, cl.readFloats(dg), cpu.readFloats(dc));
            }
        }
    }
}
