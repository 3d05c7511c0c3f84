package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.ProgramSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The programs a backend prebuilds: gemm_blocked.cl once per distinct configuration of its classes of shape. */
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
            String options = tuned.buildOptions(Kernels.GEMM_BLOCKED, config);
            assertTrue(specs.contains(new ProgramSpec(KernelFile.GEMM_BLOCKED.fileName(), options)), options);
        }
    }
}
