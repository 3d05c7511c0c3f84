package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.KernelTuningTest;
import dev.clnn.device.ProgramSpec;
import dev.clnn.model.FirstStepOps;
import dev.clnn.model.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The programs a backend prebuilds: gemm_blocked.cl once per distinct configuration of its classes of shape, and
 * the kernels of the op families a model's first step adds.
 */
class StartupProgramsTest {
    private static long blockedBuilds(List<ProgramSpec> specs) {
        return specs.stream().filter(s -> s.file().equals(KernelFile.GEMM_BLOCKED.fileName())).count();
    }

    @Test
    void oneGemmBuildPerDistinctConfiguration() {
        KernelTuning plain = KernelTuning.forDevice(KernelTuningTest.device(false, 4096, 16), null);
        assertEquals(1, blockedBuilds(StartupPrograms.inOrderOfFirstUse(plain, Set.of())));

        KernelTuning tuned = KernelTuning.forDevice(KernelTuningTest.device(false, 4096, 16), null,
                Map.of(KernelTuning.storeName(GemmClass.SMALL), "vw16 rm6 wn3 g4",
                        KernelTuning.storeName(GemmClass.LONG_K), "vw16 rm6 wn3 g4"));
        List<ProgramSpec> specs = StartupPrograms.inOrderOfFirstUse(tuned, Set.of());
        assertEquals(2, blockedBuilds(specs), specs.toString());
        for (GemmConfig config : tuned.gemm().distinct()) {
            String options = Kernels.GEMM_BLOCKED.buildOptions(tuned, config);
            assertTrue(specs.contains(new ProgramSpec(KernelFile.GEMM_BLOCKED.fileName(), options)), options);
        }
    }

    @Test
    void anMlpLaunchesOnlyTheCommonKernels() {
        assertEquals(Set.of(), StartupPrograms.kernelsOf(FirstStepOps.of(ModelSpec.parse("mlp"))));
    }

    @Test
    void aReluOfItsOwnAddsReluButAFusedOneDoesNot() {
        assertEquals(Set.of(Kernels.RELU_FORWARD),
                StartupPrograms.kernelsOf(FirstStepOps.of(ModelSpec.parse("relu,linear(4,2),relu"))));
    }

    @Test
    void theCnnAddsConvolutionAndBothPoolings() {
        assertEquals(Set.of(Kernels.IM2COL, Kernels.SWAP_LEADING_AXES, Kernels.COL2IM, Kernels.CONV_DIRECT_FORWARD,
                Kernels.MAX_POOL_FORWARD_2X2, Kernels.MAX_POOL_BACKWARD_SCATTER, Kernels.AVG_POOL_FORWARD_2X2,
                Kernels.AVG_POOL_BACKWARD_SCATTER),
                StartupPrograms.kernelsOf(FirstStepOps.of(ModelSpec.parse("cnn"))));
    }
}
