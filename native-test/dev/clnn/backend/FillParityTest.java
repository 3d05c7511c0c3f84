package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class FillParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void fillWritesEveryFloatAndIntElement() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : Sizes.ELEMENTS) {
            try (Tensor fc = SeededData.poisoned(cpu, count); Tensor fg = SeededData.poisoned(cl, count);
                    Tensor ic = SeededData.poisonedInts(cpu, count); Tensor ig = SeededData.poisonedInts(cl, count)) {
                cpu.fill(fc, -2.75f);
                cl.fill(fg, -2.75f);
                cpu.fill(ic, 42);
                cl.fill(ig, 42);
                TestArrays.assertIdentical("fill f32 n=" + count, cl.readFloats(fg), cpu.readFloats(fc));
                TestArrays.assertIdentical("fill i32 n=" + count, cl.readInts(ig), cpu.readInts(ic));
            }
        }
    }
}
