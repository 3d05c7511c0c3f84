package dev.clnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.opencl.ConfiguredGpuGemm;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.ConvTuning;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.cli.CliRun;
import dev.clnn.fixtures.IsolatedStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner on gemm_gpu, forced onto this device ({@code clnn.gemm.kernel=gpu}, as {@code CLNN_GEMM_KERNEL=gpu}
 * does) so that POCL's CPU device can run it: {@code clnn tune} stores a {@code gemm_gpu.all} entry, the next backend
 * runs it as tuned, {@code clnn devices} says so, and a candidate that computes wrong results never wins. Functional
 * checks with small budgets, not of speed.
 */
@Tag("opencl")
class GpuGemmTunerTest {
    /**
     * Small (the reduced workload: gemm_gpu runs at 1-10 GFLOP/s on POCL), but above what the default needs there (a
     * build of 1-3 s and a check), so something is always chosen.
     */
    private static final int BUDGET_SECONDS = 10;
    /**
     * As TunerTest's: the tuner stops before a configuration it expects to overrun, so only one that takes far longer
     * than every earlier one (a cold build on a busy machine) can overrun.
     */
    private static final double ALLOWED_SECONDS = 2.0 * BUDGET_SECONDS + 5;

    @TempDir
    Path dir;
    private String previousDir;
    private String previousKernel;

    @BeforeEach
    void gemmGpuAndAnIsolatedStore() {
        OpenClTestSupport.requireDevice();
        previousDir = IsolatedStores.useTuningDir(dir);
        previousKernel = IsolatedStores.swap(KernelTuning.GEMM_KERNEL_PROPERTY, "gpu");
    }

    @AfterEach
    void restore() {
        IsolatedStores.restore(IsolatedStores.TUNING_DIR, previousDir);
        IsolatedStores.restore(KernelTuning.GEMM_KERNEL_PROPERTY, previousKernel);
    }

    @Test
    void tuneStoresGemmGpuAllAndTheNextBackendAndDevicesUseIt() {
        String selector = OpenClTestSupport.selector();
        try (OpenClBackend before = OpenClBackend.open(selector)) {
            assertFalse(before.tuning().blockedGemm(), "clnn.gemm.kernel=gpu");
            assertEquals(KernelTuning.Source.DEFAULT, before.tuning().gpuGemmSource(), "empty store: the default");
        }
        CliRun tune = CliRun.of("tune", "--device", selector, "--budget", Integer.toString(BUDGET_SECONDS));
        assertEquals(0, tune.code(), tune.out() + tune.err());
        // The tuner's own time: opening the device before it compiles every start-up program, which with cold
        // caches on a busy machine takes longer than the whole budget.
        Matcher took = Pattern.compile(" in (\\d+\\.\\d) s of a " + BUDGET_SECONDS + " s budget").matcher(tune.out());
        assertTrue(took.find(), tune.out());
        assertTrue(Double.parseDouble(took.group(1)) <= ALLOWED_SECONDS, tune.out());
        assertTrue(tune.out().contains("tuning gemm_gpu on "), tune.out());
        assertTrue(tune.out().contains("square 256²"), "a tiny budget measures the reduced workload: " + tune.out());
        assertTrue(tune.out().contains("  default  1/1 "), tune.out());
        assertTrue(tune.out().contains(KernelTuning.GPU_GEMM_STORE_NAME + " "), tune.out());
        assertTrue(tune.out().contains("stored in " + dir), tune.out());

        String stored;
        try (OpenClBackend after = OpenClBackend.open(selector)) {
            Map<String, String> entries = TuningStore.standard().load(after.device().info());
            stored = entries.get(KernelTuning.GPU_GEMM_STORE_NAME);
            assertTrue(stored != null, "entries " + entries);
            // gemm_gpu and, budget permitting, the convolution family: no gemm_blocked entries
            assertTrue(entries.keySet().stream().allMatch(
                    e -> e.equals(KernelTuning.GPU_GEMM_STORE_NAME) || e.equals(ConvTuning.STORE_NAME)),
                    "only gemm_gpu and the convolutions were tuned: " + entries);
            assertEquals(KernelTuning.Source.TUNED, after.tuning().gpuGemmSource());
            assertEquals(GpuGemmConfig.parse(stored), after.tuning().gpuGemm());
        }
        CliRun devices = CliRun.of("devices");
        assertEquals(0, devices.code(), devices.err());
        assertTrue(devices.out().contains("gemm_gpu " + stored + " (tuned: packed"), devices.out());
    }

    @Test
    void aCandidateThatComputesWrongResultsIsRejectedAndNeverChosen() {
        OpenClBackend cl = OpenClTestSupport.backend();
        GpuGemmConfig[] wrong = new GpuGemmConfig[1];
        Map<GpuGemmConfig, ConfiguredGpuGemm> gemms = new HashMap<>();
        GpuGemmFamily.Product product = (config, c, a, b, transA, transB, m, n, k, alpha, beta) -> gemms
                .computeIfAbsent(config, cfg -> new ConfiguredGpuGemm(cl, cfg))
                // The wrong candidate scales every product by 1.001: a relative error of 1e-3, far above 1e-5.
                .gemm(c, a, b, transA, transB, m, n, k, config.equals(wrong[0]) ? alpha * 1.001f : alpha, beta);
        Tuner tuner = new Tuner(cl, null, List.of((backend, budget) -> {
            GpuGemmFamily family = new GpuGemmFamily(backend, budget, product);
            wrong[0] = family.coarse().get(0); // the first the coarse pass tries
            assertNotEquals(family.defaultFor(GpuGemmFamily.CLASS), wrong[0], "the baseline must stay correct");
            return family;
        }));
        TuningResult result = tuner.tune(Duration.ofSeconds(BUDGET_SECONDS));
        assertEquals(1, result.choices().size(), result.table().toString());
        assertEquals(KernelTuning.GPU_GEMM_STORE_NAME, result.choices().get(0).entryName());
        assertTrue(result.rejected().stream().anyMatch(r -> r.startsWith(wrong[0] + ": wrong results")),
                result.rejected() + " should name " + wrong[0]);
        assertNotEquals(wrong[0].toString(), result.choices().get(0).chosen(), result.table().toString());
        assertTrue(result.seconds() <= ALLOWED_SECONDS, result.table().toString());
    }

    @Test
    void aVectorWidthIsRefusedWhereTheDeviceRunsGemmGpu() {
        try (OpenClBackend cl = OpenClBackend.open(OpenClTestSupport.selector())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tuner(cl, 8, null));
            assertTrue(e.getMessage().startsWith("a vector width applies to gemm_blocked only;"), e.getMessage());
        }
    }
}
