package dev.clnn.backend.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.opencl.KernelFile;
import dev.clnn.backend.opencl.Kernels;
import dev.clnn.device.DeviceInfo;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel choice depends only on what a device reports, so it is checked here without any OpenCL runtime. */
public class KernelTuningTest {
    public static DeviceInfo device(boolean gpu, long maxWorkGroup) {
        return device(gpu, maxWorkGroup, 8);
    }

    public static DeviceInfo device(boolean gpu, long maxWorkGroup, int vectorWidth) {
        return new DeviceInfo(0, 0, "p", "OpenCL 1.2 p", "d", "v", "1", "OpenCL 1.2", gpu, 4, 1L << 30, 1L << 28, 32L << 10,
                maxWorkGroup, true, false, vectorWidth);
    }

    private static KernelTuning tuning(int elementwise, int reduce, int bias, String gpuGemm, boolean blocked) {
        return new KernelTuning(elementwise, reduce, bias, GpuGemmConfig.parse(gpuGemm), KernelTuning.Source.DEFAULT,
                blocked, GemmChoices.uniform(GemmDefaults.AVX2, KernelTuning.Source.DEFAULT), 16);
    }

    @Test
    void workGroupSizesAreCappedPowersOfTwoOfTheDeviceLimit() {
        assertEquals(tuning(256, 256, 64, "mwg64", true), KernelTuning.forDevice(device(false, 4096), null));
        assertEquals(tuning(256, 256, 64, "mwg64", false), KernelTuning.forDevice(device(true, 256), null));
        assertEquals(tuning(128, 128, 64, "mwg32 nwg32 mdimc8 ndimc8", false),
                KernelTuning.forDevice(device(true, 200), null));
        assertEquals(tuning(32, 32, 32, "mwg16 nwg16 mdimc4 ndimc4", false),
                KernelTuning.forDevice(device(true, 48), null));
        // gemm_blocked's default groups of 8 rows shrink to the one work-item such a device allows.
        KernelTuning one = KernelTuning.forDevice(device(false, 1), null);
        assertEquals(new KernelTuning(1, 1, 1, GpuGemmConfig.parse("mwg4 nwg4 kwg4 mdimc1 ndimc1 sa0 sb0"),
                KernelTuning.Source.DEFAULT, true, GemmChoices.uniform(new GemmConfig(8, 3, 3, 1),
                KernelTuning.Source.DEFAULT), 16), one);
    }

    @Test
    void gemmDefaultFollowsThePreferredVectorWidthAndIsOneOfTheCandidates() {
        assertEquals(GemmDefaults.AVX512, KernelTuning.forDevice(device(false, 4096, 16), null).gemmFor(1024, 1024, 1024));
        assertEquals(GemmDefaults.AVX2, KernelTuning.forDevice(device(false, 4096, 8), null).gemmFor(1024, 1024, 1024));
        assertEquals(GemmDefaults.NARROW, KernelTuning.forDevice(device(false, 4096, 4), null).gemmFor(1024, 1024, 1024));
        assertEquals(GemmDefaults.NARROW, KernelTuning.forDevice(device(false, 4096, 1), null).gemmFor(1024, 1024, 1024));
        for (int width : new int[] {1, 4, 8, 16}) {
            DeviceInfo cpu = device(false, 4096, width);
            GemmConfig chosen = KernelTuning.forDevice(cpu, null).gemmFor(16, 16, 16);
            assertTrue(GemmConfig.candidates(cpu).contains(chosen), chosen + " for width " + width);
        }
        KernelTuning plain = KernelTuning.forDevice(device(false, 4096), null);
        for (GemmClass c : GemmClass.values()) {
            assertEquals(KernelTuning.Source.DEFAULT, plain.gemm().source(c), c.word());
        }
    }

    @Test
    void aForcedGemmConfigReplacesTheDefaultAndSaysSo() {
        GemmConfig forced = GemmConfig.parse("vw4 rm3 wn2 g16");
        KernelTuning t = KernelTuning.forDevice(device(false, 4096, 16), forced);
        assertEquals(GemmChoices.uniform(forced, KernelTuning.Source.FORCED), t.gemm());
        assertEquals("-DVW=4 -DRM=3 -DWN=2 -DPACK_TILE=16", Kernels.GEMM_BLOCKED.buildOptions(t));
        assertTrue(t.gemmChoice().contains("vw4 rm3 wn2 g16 (forced by clnn.gemm"), t.gemmChoice());
        assertTrue(KernelTuning.forDevice(device(false, 4096), null).gemmChoice().contains("(default"));
    }

    @Test
    void storedChoicesAreUsedPerClassUnlessAConfigIsForced() {
        DeviceInfo cpu = device(false, 4096, 16);
        Map<String, String> stored = Map.of(KernelTuning.storeName(GemmClass.SMALL), "vw16 rm6 wn3 g4",
                KernelTuning.storeName(GemmClass.LONG_K), "vw16 rm8 wn1 g4");
        KernelTuning tuned = KernelTuning.forDevice(cpu, null, stored);
        assertEquals(GemmConfig.parse("vw16 rm6 wn3 g4"), tuned.gemmFor(256, 256, 256));
        assertEquals(GemmConfig.parse("vw16 rm8 wn1 g4"), tuned.gemmFor(16, 144, 12544));
        assertEquals(GemmDefaults.AVX512, tuned.gemmFor(1024, 1024, 1024), "no entry: the default");
        assertEquals(KernelTuning.Source.TUNED, tuned.gemm().source(GemmClass.SMALL));
        assertEquals(KernelTuning.Source.DEFAULT, tuned.gemm().source(GemmClass.LARGE));
        assertEquals(3, tuned.gemm().distinct().size());
        assertEquals("-DVW=16 -DRM=6 -DWN=3 -DPACK_TILE=16",
                Kernels.GEMM_BLOCKED.buildOptions(tuned, tuned.gemmFor(256, 256, 256)));
        assertTrue(tuned.gemmChoice().contains("small vw16 rm6 wn3 g4 (tuned), large vw16 rm12 wn2 g8 (default)"),
                tuned.gemmChoice());

        GemmConfig forced = GemmConfig.parse("vw8 rm3 wn3 g8");
        KernelTuning forcedTuning = KernelTuning.forDevice(cpu, forced, stored);
        for (GemmClass c : GemmClass.values()) {
            assertEquals(forced, forcedTuning.gemm().of(c), c.word());
            assertEquals(KernelTuning.Source.FORCED, forcedTuning.gemm().source(c), c.word());
        }
        assertEquals(KernelTuning.forDevice(device(true, 256), null),
                KernelTuning.forDevice(device(true, 256), null, stored), "GPUs keep the tiles");
    }

    @Test
    void aStoredGemmGpuEntryIsTheTunedConfigurationAndDevicesSaysSo() {
        GpuGemmConfig stored = GpuGemmConfig.parse("mwg128 nwg64 kwg32 mdimc16 ndimc8");
        KernelTuning gpu = KernelTuning.forDevice(device(true, 1024), null,
                Map.of(KernelTuning.GPU_GEMM_STORE_NAME, stored.toString()));
        assertEquals(stored, gpu.gpuGemm());
        assertEquals(KernelTuning.Source.TUNED, gpu.gpuGemmSource());
        assertEquals("gemm_gpu " + stored + " (tuned: packed, 128x64 tiles of 16x8 work-items, 8x8 register tile"
                + " each)", gpu.gemmChoice());
        // A CPU forced onto gemm_gpu (clnn.gemm.kernel=gpu) reads the same entry: that is how POCL tunes it.
        KernelTuning cpu = KernelTuning.forDevice(device(false, 4096), null,
                Map.of(KernelTuning.GPU_GEMM_STORE_NAME, stored.toString())).withBlockedGemm(false);
        assertTrue(cpu.gemmChoice().startsWith("gemm_gpu " + stored + " (tuned: "), cpu.gemmChoice());
        // Forcing the configuration wins over the stored one and says where it came from.
        GpuGemmConfig forced = GpuGemmConfig.parse("mwg32 nwg32 mdimc8 ndimc8");
        assertTrue(gpu.withGpuGemm(forced).gemmChoice().startsWith("gemm_gpu " + forced + " (forced by "
                + KernelTuning.GPU_GEMM_PROPERTY + ": "), gpu.withGpuGemm(forced).gemmChoice());
        assertEquals(KernelTuning.GPU_GEMM_FAMILY + "." + KernelTuning.GPU_GEMM_CLASS,
                KernelTuning.GPU_GEMM_STORE_NAME);
    }

    @Test
    void anUnreadableStoredGemmGpuEntryFallsBackToTheDefault() {
        KernelTuning t = KernelTuning.forDevice(device(true, 1024), null,
                Map.of(KernelTuning.GPU_GEMM_STORE_NAME, "mwg100"));
        assertEquals(KernelTuning.forDevice(device(true, 1024), null), t);
        assertTrue(t.gemmChoice().contains("(default: "), t.gemmChoice());
    }

    @Test
    void anUnreadableStoredEntryFallsBackToTheDefault() {
        KernelTuning t = KernelTuning.forDevice(device(false, 4096, 16), null,
                Map.of(KernelTuning.storeName(GemmClass.LARGE), "vw16 rm99 wn2 g8"));
        assertEquals(KernelTuning.forDevice(device(false, 4096, 16), null), t);
    }

    @Test
    void trainingShapesFallInTheirClasses() {
        // mlp at batch 64, a 256^2 square: small; W2 at batch 256 and 1024^2: large; conv weight gradients: long-k.
        assertEquals(GemmClass.SMALL, GemmClass.of(64, 512, 784));
        assertEquals(GemmClass.SMALL, GemmClass.of(256, 256, 256));
        assertEquals(GemmClass.LARGE, GemmClass.of(256, 1024, 784));
        assertEquals(GemmClass.LARGE, GemmClass.of(1024, 784, 256));
        assertEquals(GemmClass.LARGE, GemmClass.of(2048, 2048, 2048));
        assertEquals(GemmClass.LONG_K, GemmClass.of(16, 9, 50176));
        assertEquals(GemmClass.LONG_K, GemmClass.of(32, 144, 12544));
        // The boundaries: 2^25 multiply-adds is still small; K of 8 times the longer edge is long.
        assertEquals(GemmClass.SMALL, GemmClass.of(256, 256, 512));
        assertEquals(GemmClass.LARGE, GemmClass.of(256, 256, 513));
        assertEquals(GemmClass.LONG_K, GemmClass.of(64, 32, 512));
        assertEquals(GemmClass.SMALL, GemmClass.of(64, 32, 511));
        for (GemmClass c : GemmClass.values()) {
            assertEquals(c, GemmClass.fromWord(c.word()));
        }
    }

    @Test
    void buildOptionsCarryEachFilesTunablesFromTheTuningAndTheEntrysTranspositions() {
        KernelTuning small = new KernelTuning(32, 32, 16, GpuGemmConfig.parse("mwg32 nwg128 kwg8 vwm2 sa0 strn0"),
                KernelTuning.Source.DEFAULT, false,
                GemmChoices.uniform(new GemmConfig(8, 8, 2, 4), KernelTuning.Source.DEFAULT), 4);
        assertEquals("-DREDUCE_LOCAL=32", Kernels.REDUCE_SUM.buildOptions(small));
        assertEquals("-DBIAS_LOCAL=16", Kernels.BIAS_ADD_BACKWARD.buildOptions(small));
        String gpu = "-DMWG=32 -DNWG=128 -DKWG=8 -DMDIMC=16 -DNDIMC=16 -DVWM=2 -DVWN=4 -DKWI=2 -DSTRM=1 -DSTRN=0 -DSA=0"
                + " -DSB=1 -DPACK_EDGE=" + KernelTuning.PACK_EDGE;
        assertEquals(gpu, Kernels.GEMM_GPU.buildOptions(small));
        assertEquals(gpu, Kernels.GEMM_GPU_PACK.buildOptions(small));
        assertEquals("-DVW=8 -DRM=8 -DWN=2 -DPACK_TILE=4", Kernels.PACK_OPERAND.buildOptions(small));
        assertEquals("", Kernels.SGD_UPDATE.buildOptions(small));
        // A GPU (no gemm_blocked) keeps ReLU's loads coalesced with runs of 1; a CPU streams runs of 16.
        assertEquals("-DRELU_RUN=1", Kernels.RELU_FORWARD.buildOptions(small));
        assertEquals("-DRELU_RUN=16",
                Kernels.RELU_FORWARD.buildOptions(KernelTuning.forDevice(device(false, 4096), null)));
        // adam.cl's fixed flag comes before its macro; runs as ReLU's.
        assertEquals("-cl-fp32-correctly-rounded-divide-sqrt -DADAM_RUN=1", Kernels.ADAM_UPDATE.buildOptions(small));
        assertEquals("-cl-fp32-correctly-rounded-divide-sqrt -DADAM_RUN=16",
                Kernels.ADAM_UPDATE.buildOptions(KernelTuning.forDevice(device(false, 4096), null)));
        // The all-reduce's sum: one element per work-item on a GPU, a float16 on a CPU.
        assertEquals("-DSUM_WIDTH=1", Kernels.WEIGHTED_SUM_ALL.buildOptions(small));
        assertEquals("-DSUM_WIDTH=16",
                Kernels.WEIGHTED_SUM_ALL.buildOptions(KernelTuning.forDevice(device(false, 4096), null)));
        assertEquals(16, small.gemmFor(100, 100, 100).columns());
    }

    @Test
    void everyKernelOfAFileSharesOneProgram() {
        KernelTuning cpu = KernelTuning.forDevice(device(false, 4096), null);
        Map<KernelFile, String> options = new EnumMap<>(KernelFile.class);
        for (Kernels k : Kernels.values()) {
            String previous = options.putIfAbsent(k.file(), k.buildOptions(cpu));
            if (previous != null) {
                assertEquals(previous, k.buildOptions(cpu), k + " would build " + k.file() + " a second time");
            }
        }
    }

    @Test
    void gpusRunGemmGpuWithTheirDefaultAndTheSwitchesForceKernelAndConfig() {
        KernelTuning gpu = KernelTuning.forDevice(device(true, 1024), null);
        assertFalse(gpu.blockedGemm());
        assertEquals(GpuGemmConfig.DEFAULT, gpu.gpuGemm());
        assertEquals("gemm_gpu " + GpuGemmConfig.DEFAULT + " (default: packed, 64x64 tiles of 16x16 work-items, 4x4"
                + " register tile each)", gpu.gemmChoice());
        GpuGemmConfig big = GpuGemmConfig.parse("mwg128 nwg128");
        assertTrue(gpu.withGpuGemm(big).gemmChoice().contains(big + " (forced by clnn.gpugemm: packed, 128x128 tiles"
                + " of 16x16 work-items, 8x8 register tile each)"), gpu.withGpuGemm(big).gemmChoice());
        try {
            System.setProperty(KernelTuning.GEMM_KERNEL_PROPERTY, "gpu");
            System.setProperty(KernelTuning.GPU_GEMM_PROPERTY, "mwg128 nwg128");
            KernelTuning forced = KernelTuning.forDevice(device(false, 4096));
            assertFalse(forced.blockedGemm());
            assertEquals(big, forced.gpuGemm());
            assertEquals(KernelTuning.Source.FORCED, forced.gpuGemmSource());
            System.setProperty(KernelTuning.GEMM_KERNEL_PROPERTY, "cpu");
            assertTrue(KernelTuning.forDevice(device(true, 1024)).blockedGemm());
            System.setProperty(KernelTuning.GEMM_KERNEL_PROPERTY, "tpu");
            assertMessage("clnn.gemm.kernel/CLNN_GEMM_KERNEL: 'tpu' is neither gpu nor cpu",
                    () -> KernelTuning.forDevice(device(true, 1024)));
            System.setProperty(KernelTuning.GEMM_KERNEL_PROPERTY, "gpu");
            System.setProperty(KernelTuning.GPU_GEMM_PROPERTY, "mwg100");
            assertMessage("clnn.gpugemm/CLNN_GPU_GEMM: GPU GEMM config 'mwg100': GPU GEMM mwg must be a multiple",
                    () -> KernelTuning.forDevice(device(true, 1024)));
        } finally {
            System.clearProperty(KernelTuning.GEMM_KERNEL_PROPERTY);
            System.clearProperty(KernelTuning.GPU_GEMM_PROPERTY);
        }
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(part), e.getMessage());
    }
}
