package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.device.DeviceInfo;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel choice depends only on what a device reports, so it is checked here without any OpenCL runtime. */
class KernelTuningTest {
    static DeviceInfo device(boolean gpu, long maxWorkGroup) {
        return new DeviceInfo(0, 0, "p", "OpenCL 1.2 p", "d", "v", "1", "OpenCL 1.2", gpu, 4, 1L << 30, 1L << 28, 32L << 10,
                maxWorkGroup, true, false, 8);
    }

    @Test
    void workGroupSizesAreCappedPowersOfTwoOfTheDeviceLimit() {
        assertEquals(new KernelTuning(256, 256, 64, 16, true, 16, 1, 16), KernelTuning.forDevice(device(false, 4096)));
        assertEquals(new KernelTuning(256, 256, 64, 16, false, 16, 1, 16), KernelTuning.forDevice(device(true, 256)));
        assertEquals(new KernelTuning(128, 128, 64, 8, false, 16, 1, 16), KernelTuning.forDevice(device(true, 200)));
        assertEquals(new KernelTuning(32, 32, 32, 8, false, 16, 1, 16), KernelTuning.forDevice(device(true, 48)));
        assertEquals(new KernelTuning(1, 1, 1, 8, true, 16, 1, 16), KernelTuning.forDevice(device(false, 1)));
    }

    @Test
    void buildOptionsCarryEachFilesTunablesFromTheTuningAndTheEntrysTranspositions() {
        KernelTuning small = new KernelTuning(32, 32, 16, 8, false, 8, 2, 4);
        assertEquals("-DREDUCE_LOCAL=32", small.buildOptions(Kernels.REDUCE_SUM));
        assertEquals("-DBIAS_LOCAL=16", small.buildOptions(Kernels.BIAS_ADD_BACKWARD));
        assertEquals("-DTS=8 -DTRANS_A=0 -DTRANS_B=0", small.buildOptions(Kernels.GEMM_TILED_NN));
        assertEquals("-DTS=8 -DTRANS_A=0 -DTRANS_B=1", small.buildOptions(Kernels.GEMM_TILED_NT));
        assertEquals("-DTS=8 -DTRANS_A=1 -DTRANS_B=0", small.buildOptions(Kernels.GEMM_TILED_TN));
        assertEquals("-DTS=8 -DTRANS_A=1 -DTRANS_B=1", small.buildOptions(Kernels.GEMM_TILED_TT));
        assertEquals("-DRM=8 -DWN=2 -DPACK_TILE=4", small.buildOptions(Kernels.PACK_A));
        assertEquals("", small.buildOptions(Kernels.RELU_FORWARD));
        assertEquals(32, small.blockColumns());
    }

    @Test
    void everyKernelOfAFileSharesOneProgramExceptTheTiledGemmsTranspositions() {
        KernelTuning cpu = KernelTuning.forDevice(device(false, 4096));
        Map<KernelFile, String> options = new EnumMap<>(KernelFile.class);
        for (Kernels k : Kernels.values()) {
            if (k.file() == KernelFile.MATMUL) {
                continue;
            }
            String previous = options.putIfAbsent(k.file(), cpu.buildOptions(k));
            if (previous != null) {
                assertEquals(previous, cpu.buildOptions(k), k + " would build " + k.file() + " a second time");
            }
        }
    }

    @Test
    void gemmTiledEntryMatchesTheTranspositions() {
        for (boolean a : new boolean[] {false, true}) {
            for (boolean b : new boolean[] {false, true}) {
                Kernels k = Kernels.gemmTiled(a, b);
                assertEquals(a, k.transA(), k.toString());
                assertEquals(b, k.transB(), k.toString());
                assertEquals("gemm_tiled", k.kernelName());
            }
        }
    }
}
