package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.opencl.KernelFile;
import dev.clnn.backend.opencl.Kernels;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.ClDevice;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every kernel file builds on the device alone with its {@code #ifndef} defaults and with the options the backend
 * uses, and every registry entry creates its kernel; the GEMM tunables build over a sweep of legal values. The
 * options come from {@link Kernels#buildOptions}, as in the backend. (KernelFileTest checks the registry
 * against the sources without a device.)
 */
@Tag("opencl")
class KernelBuildTest {

    @Test
    void everyKernelFileBuildsAloneWithItsDefaultDefines() {
        ClDevice device = OpenClTestSupport.backend().device();
        for (KernelFile file : KernelFile.values()) {
            device.build(file.fileName(), "");
        }
    }

    @Test
    void everyRegistryEntryCreatesItsKernelWithTheBackendsOptions() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Set<KernelFile> files = EnumSet.noneOf(KernelFile.class);
        for (Kernels k : Kernels.values()) {
            cl.device().kernel(k.file().fileName(), k.kernelName(), k.buildOptions(cl.tuning()));
            files.add(k.file());
        }
        assertEquals(EnumSet.allOf(KernelFile.class), files, "kernel files without a registry entry");
    }

    @Test
    void gemmKernelsBuildForEveryTunableSetting() {
        OpenClBackend cl = OpenClTestSupport.backend();
        KernelTuning base = cl.tuning();
        // gemm_gpu's extremes beyond the candidates (GemmParityTest runs those and some of these numerically).
        for (String gpu : new String[] {"mwg4 nwg4 kwg4 mdimc1 ndimc1 sa0 sb0", "mwg128 nwg128 kwg8 vwm8 vwn8 kwi8",
                "mwg16 nwg32 kwg1 mdimc16 ndimc32 vwm1 vwn1 kwi1 strm0 strn0"}) {
            KernelTuning t = base.withGpuGemm(GpuGemmConfig.parse(gpu));
            for (Kernels k : new Kernels[] {Kernels.GEMM_GPU, Kernels.GEMM_GPU_PACK}) {
                cl.device().kernel(k.file().fileName(), k.kernelName(), k.buildOptions(t));
            }
        }
        // Beyond the candidates (GemmParityTest runs those): every vector width, with the smallest and largest blocks.
        for (int width : GemmConfig.WIDTHS) {
            for (int[] block : new int[][] {{1, 1}, {GemmConfig.MAX_ROWS, 1}, {2, GemmConfig.MAX_VECTORS}}) {
                buildBlocked(cl, base.withGemm(new GemmConfig(width, block[0], block[1], 1)));
            }
        }
        for (int packTile : new int[] {4, 8}) {
            buildBlocked(cl, new KernelTuning(base.elementwiseLocal(), base.reduceLocal(), base.biasLocal(),
                    base.gpuGemm(), base.gpuGemmSource(), true, base.gemm(), packTile));
        }
    }

    private static void buildBlocked(OpenClBackend cl, KernelTuning t) {
        for (Kernels k : Kernels.values()) {
            if (k.file() == KernelFile.GEMM_BLOCKED) {
                cl.device().kernel(k.file().fileName(), k.kernelName(), k.buildOptions(t));
            }
        }
    }
}
