package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.device.ClDevice;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every kernel file builds on the device alone with its {@code #ifndef} defaults and with the options the backend
 * uses, and every registry entry creates its kernel; the GEMM tunables build over a sweep of legal values. The
 * options come from {@link KernelTuning#buildOptions}, as in the backend. (KernelFileTest checks the registry
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
            cl.device().kernel(k.file().fileName(), k.kernelName(), cl.tuning().buildOptions(k));
            files.add(k.file());
        }
        assertEquals(EnumSet.allOf(KernelFile.class), files, "kernel files without a registry entry");
    }

    @Test
    void gemmKernelsBuildForEveryTransposeAndTileSetting() {
        OpenClBackend cl = OpenClTestSupport.backend();
        KernelTuning base = cl.tuning();
        for (int tile : new int[] {4, 8, 16}) {
            if (tile * tile > cl.device().info().maxWorkGroupSize()) {
                continue;
            }
            KernelTuning t = new KernelTuning(base.elementwiseLocal(), base.reduceLocal(), base.biasLocal(), tile,
                    base.blockedGemm(), base.gemm(), base.packTile());
            for (Kernels k : new Kernels[] {Kernels.GEMM_TILED_NN, Kernels.GEMM_TILED_NT, Kernels.GEMM_TILED_TN,
                    Kernels.GEMM_TILED_TT}) {
                cl.device().kernel(k.file().fileName(), k.kernelName(), t.buildOptions(k));
            }
        }
        // Beyond the candidates (GemmParityTest runs those): every vector width, with the smallest and largest blocks.
        for (int width : new int[] {4, 8, 16}) {
            for (int[] block : new int[][] {{1, 1}, {GemmConfig.MAX_ROWS, 1}, {2, GemmConfig.MAX_VECTORS}}) {
                buildBlocked(cl, base.withGemm(new GemmConfig(width, block[0], block[1], 1)));
            }
        }
        for (int packTile : new int[] {4, 8}) {
            buildBlocked(cl, new KernelTuning(base.elementwiseLocal(), base.reduceLocal(), base.biasLocal(),
                    base.tile(), true, base.gemm(), packTile));
        }
    }

    private static void buildBlocked(OpenClBackend cl, KernelTuning t) {
        for (Kernels k : Kernels.values()) {
            if (k.file() == KernelFile.GEMM_BLOCKED) {
                cl.device().kernel(k.file().fileName(), k.kernelName(), t.buildOptions(k));
            }
        }
    }
}
