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
class SwapLeadingAxesAddBiasParityTest {
    private final CpuBackend cpu = new CpuBackend();

    /** One float addition per element on both sides: bit-identical, and equal to the swap then the bias add. */
    @ParameterizedTest(name = "a={0} b={1} inner={2}")
    @CsvSource({"1,1,1", "3,5,7", "1,17,33", "17,1,33", "32,64,196", "13,129,1"})
    void swapWithBiasIsTheSwapThenTheBiasAdd(int a, int b, int inner) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = a * 10007L + b * 101L + inner;
        SplittableRandom random = new SplittableRandom(seed);
        float[] src = SeededData.uniform(random, a * b * inner, -1, 1);
        float[] bias = SeededData.uniform(random, a, -1, 1);
        float[] expected = run(cpu, src, bias, a, b, inner, false);
        TestArrays.assertIdentical("swapLeadingAxesAddBias seed=" + seed, run(cl, src, bias, a, b, inner, false),
                expected);
        float[] fused = run(cpu, src, bias, a, b, inner, true);
        TestArrays.assertIdentical("swapLeadingAxesAddBias relu seed=" + seed, run(cl, src, bias, a, b, inner, true),
                fused);
        try (Tensor in = cpu.fromArray(expected, expected.length);
                Tensor out = SeededData.poisoned(cpu, fused.length)) {
            cpu.reluForward(out, in, fused.length);
            TestArrays.assertIdentical("swapLeadingAxesAddBias relu = then relu seed=" + seed, fused,
                    cpu.readFloats(out));
        }
        try (Tensor s = cpu.fromArray(src, a, b, inner); Tensor bt = cpu.fromArray(bias, a);
                Tensor d = SeededData.poisoned(cpu, b, a, inner)) {
            cpu.swapLeadingAxes(d, s, a, b, inner);
            cpu.biasAddForward(d, bt, b, a, inner, false);
            TestArrays.assertIdentical("swap then biasAddForward seed=" + seed, cpu.readFloats(d), expected);
        }
    }

    /** The GPU launch (one element per work-item, lanes = inner) on this device, beside the CPU one tested above. */
    @ParameterizedTest(name = "one element per work-item a={0} b={1} inner={2}")
    @CsvSource({"1,1,1", "3,5,7", "17,1,33", "32,64,196"})
    void swapWithBiasWithOneElementPerWorkItemIsIdentical(int a, int b, int inner) {
        for (boolean relu : new boolean[] {false, true}) {
            oneElementPerWorkItem(a, b, inner, relu);
        }
    }

    private void oneElementPerWorkItem(int a, int b, int inner, boolean relu) {
        OpenClBackend cl = OpenClTestSupport.backend();
        KernelTuning gpuLike = cl.tuning().withBlockedGemm(false);
        ConvRoutine routine = new ConvRoutine(new KernelLauncher(cl.device(), gpuLike));
        long seed = a * 10007L + b * 101L + inner;
        SplittableRandom random = new SplittableRandom(seed);
        float[] src = SeededData.uniform(random, a * b * inner, -1, 1);
        float[] bias = SeededData.uniform(random, a, -1, 1);
        float[] actual;
        try (Tensor s = cl.fromArray(src, a, b, inner); Tensor bt = cl.fromArray(bias, a);
                Tensor d = SeededData.poisoned(cl, b, a, inner)) {
            routine.swapLeadingAxesAddBias(((ClTensor) d).buffer, ((ClTensor) s).buffer, ((ClTensor) bt).buffer, a, b,
                    inner, relu);
            actual = cl.readFloats(d);
        }
        TestArrays.assertIdentical("swapLeadingAxesAddBias (lanes = inner) relu=" + relu + " seed=" + seed, actual,
                run(cpu, src, bias, a, b, inner, relu));
    }

    private static float[] run(Backend be, float[] src, float[] bias, int a, int b, int inner, boolean relu) {
        try (Tensor s = be.fromArray(src, a, b, inner); Tensor bt = be.fromArray(bias, a);
                Tensor d = SeededData.poisoned(be, b, a, inner)) {
            be.swapLeadingAxesAddBias(d, s, bt, a, b, inner, relu);
            return be.readFloats(d);
        }
    }
}
