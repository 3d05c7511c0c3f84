package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.KernelTuningTest;
import org.junit.jupiter.api.Test;

/** GemmRoutine's variant choice depends only on the sizes and the tuning: checked without any OpenCL runtime. */
class GemmRoutineTest {
    /** A CPU tuning with 16x16 blocks, so the counts below are easy to follow whatever the defaults are. */
    private static KernelTuning cpu16x16() {
        return KernelTuning.forDevice(KernelTuningTest.device(false, 4096), GemmConfig.parse("vw16 rm16 wn1 g32"));
    }

    @Test
    void cpusUseTheBlockedGemmForEverySize() {
        KernelTuning cpu = cpu16x16();
        assertEquals(GemmVariant.BLOCKED, GemmRoutine.variant(cpu, 1, 1, 1));
        assertEquals(GemmVariant.BLOCKED, GemmRoutine.variant(cpu, 64, 64, 64));
        assertEquals(GemmVariant.BLOCKED, GemmRoutine.variant(cpu, 512, 512, 512));
        // One 16x16 block of C over a long K (2^25 multiply-adds): K is split into 64 chunks, one work-item each.
        assertEquals(GemmVariant.BLOCKED_SPLIT_K, GemmRoutine.variant(cpu, 16, 16, 1 << 17));
        assertEquals(64, GemmRoutine.splits(cpu, 16, 16, 1 << 17));
    }

    @Test
    void splitsNeverMakeChunksShorterThanTheMinimum() {
        // One 32x128 block: 64 chunks are wanted, but K = 4096 makes only 32 of 128 steps.
        KernelTuning cpu = KernelTuning.forDevice(KernelTuningTest.device(false, 4096),
                GemmConfig.parse("vw16 rm32 wn8 g4"));
        assertEquals(32, GemmRoutine.splits(cpu, 32, 128, 4096));
        // 64 blocks of C already give 64 work-items: no split however long K is.
        assertEquals(1, GemmRoutine.splits(cpu16x16(), 128, 128, 1 << 20));
    }

    @Test
    void productsTooSmallToRepayASecondLaunchAreNeverSplit() {
        KernelTuning cpu = cpu16x16();
        // One block of C either way; the split starts at SPLIT_MIN_WORK = 2^24 multiply-adds.
        assertEquals(1, GemmRoutine.splits(cpu, 16, 16, (1 << 16) - 1));
        assertEquals(GemmVariant.BLOCKED, GemmRoutine.variant(cpu, 16, 16, (1 << 16) - 1));
        assertEquals(64, GemmRoutine.splits(cpu, 16, 16, 1 << 16));
        // A batch-64 classifier's last layer, (64, 1568) x (1568, 10): 1M multiply-adds, one kernel.
        assertEquals(1, GemmRoutine.splits(cpu, 64, 10, 1568));
    }

    @Test
    void gpusAlwaysUseTheGpuGemm() {
        KernelTuning gpu = KernelTuning.forDevice(KernelTuningTest.device(true, 1024), null);
        assertEquals(GemmVariant.GPU, GemmRoutine.variant(gpu, 2048, 2048, 2048));
        assertEquals(GemmVariant.GPU, GemmRoutine.variant(gpu, 16, 16, 4096));
        // Forced onto a CPU (tests, the device check), whatever the sizes.
        assertEquals(GemmVariant.GPU, GemmRoutine.variant(cpu16x16().withBlockedGemm(false), 16, 16, 4096));
    }
}
