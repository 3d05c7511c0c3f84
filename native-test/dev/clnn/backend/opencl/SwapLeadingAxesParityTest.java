package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.TestArrays;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("opencl")
class SwapLeadingAxesParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "a={0} b={1} inner={2}")
    @CsvSource({"1,1,1", "3,5,7", "1,17,33", "17,1,33", "64,32,196", "13,129,1"})
    void swapMovesEveryElementExactly(int a, int b, int inner) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = a * 10007L + b * 101L + inner;
        float[] src = SeededData.uniform(new SplittableRandom(seed), a * b * inner, -1, 1);
        TestArrays.assertIdentical("swapLeadingAxes seed=" + seed, run(cl, src, a, b, inner),
                run(cpu, src, a, b, inner));
    }

    /** The GPU launch (one element per work-item, lanes = inner) on this device, beside the CPU one tested above. */
    @ParameterizedTest(name = "one element per work-item a={0} b={1} inner={2}")
    @CsvSource({"1,1,1", "3,5,7", "17,1,33", "64,32,196", "13,129,1"})
    void swapWithOneElementPerWorkItemMovesEveryElementExactly(int a, int b, int inner) {
        OpenClBackend cl = OpenClTestSupport.backend();
        KernelTuning gpuLike = cl.tuning().withBlockedGemm(false);
        ConvRoutine routine = new ConvRoutine(new KernelLauncher(cl.device(), gpuLike));
        long seed = a * 10007L + b * 101L + inner;
        float[] src = SeededData.uniform(new SplittableRandom(seed), a * b * inner, -1, 1);
        float[] actual;
        try (Tensor s = cl.fromArray(src, a, b, inner); Tensor d = SeededData.poisoned(cl, b, a, inner)) {
            routine.swapLeadingAxes(((ClTensor) d).buffer, ((ClTensor) s).buffer, a, b, inner);
            actual = cl.readFloats(d);
        }
        TestArrays.assertIdentical("swapLeadingAxes (lanes = inner) seed=" + seed, actual, run(cpu, src, a, b, inner));
    }

    private static float[] run(Backend be, float[] src, int a, int b, int inner) {
        try (Tensor s = be.fromArray(src, a, b, inner); Tensor d = SeededData.poisoned(be, b, a, inner)) {
            be.swapLeadingAxes(d, s, a, b, inner);
            return be.readFloats(d);
        }
    }
}
