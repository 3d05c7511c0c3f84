package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.OpenClBackend.GemmVariant;
import dev.clnn.device.DeviceInfo;
import org.junit.jupiter.api.Test;

/** The kernel choice depends only on what a device reports, so it is checked here without any OpenCL runtime. */
class KernelTuningTest {
    private static DeviceInfo device(boolean gpu, long maxWorkGroup) {
        return new DeviceInfo(0, 0, "p", "d", "v", "1", "OpenCL 1.2", gpu, 4, 1L << 30, 1L << 28, 32L << 10,
                maxWorkGroup, true, false, 8);
    }

    @Test
    void workGroupSizesAreCappedPowersOfTwoOfTheDeviceLimit() {
        assertEquals(new KernelTuning(256, 256, 64, 16, true), KernelTuning.forDevice(device(false, 4096)));
        assertEquals(new KernelTuning(256, 256, 64, 16, false), KernelTuning.forDevice(device(true, 256)));
        assertEquals(new KernelTuning(128, 128, 64, 8, false), KernelTuning.forDevice(device(true, 200)));
        assertEquals(new KernelTuning(32, 32, 32, 8, false), KernelTuning.forDevice(device(true, 48)));
        assertEquals(new KernelTuning(1, 1, 1, 8, true), KernelTuning.forDevice(device(false, 1)));
    }

    @Test
    void buildOptionsCarryTheTunables() {
        KernelTuning small = KernelTuning.forDevice(device(true, 48));
        assertEquals("-DREDUCE_LOCAL=32", small.buildOptions("reduce.cl"));
        assertEquals("-DBIAS_LOCAL=32", small.buildOptions("bias.cl"));
        assertEquals("-DTS=8", small.buildOptions("matmul.cl"));
        assertEquals("", small.buildOptions("relu.cl"));
    }

    @Test
    void cpusUseTheBlockedGemmForEverySize() {
        KernelTuning cpu = KernelTuning.forDevice(device(false, 4096));
        assertEquals(GemmVariant.BLOCKED, cpu.gemmVariant(1, 1, 1));
        assertEquals(GemmVariant.BLOCKED, cpu.gemmVariant(64, 64, 64));
        assertEquals(GemmVariant.BLOCKED, cpu.gemmVariant(512, 512, 512));
        // One 16x16 block of C over a long K: K is split so that more cores get work.
        assertEquals(GemmVariant.BLOCKED_SPLIT_K, cpu.gemmVariant(16, 16, 4096));
        assertEquals(32, KernelTuning.splitsFor(16, 16, 4096));
    }

    @Test
    void gpusAlwaysUseTheTiledGemm() {
        KernelTuning gpu = KernelTuning.forDevice(device(true, 1024));
        assertEquals(GemmVariant.TILED, gpu.gemmVariant(2048, 2048, 2048));
        assertEquals(GemmVariant.TILED, gpu.gemmVariant(16, 16, 4096));
    }
}
