package dev.clnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.opencl.ConfiguredGemm;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.cli.CliRun;
import dev.clnn.fixtures.IsolatedStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner on a real device with small budgets: it ends within its budget, stores a result that the next backend
 * and {@code clnn devices} use, and a candidate that computes wrong results never wins. Functional checks of the
 * search and budget logic, not of speed (the figures are in the README).
 */
@Tag("opencl")
class TunerTest {
    /** Small, but above what the defaults need on POCL (a few seconds), so something is always chosen. */
    private static final int BUDGET_SECONDS = 8;
    /**
     * Generous: the tuner stops before a configuration that would overrun by its estimate, so only one that takes
     * far longer than every earlier one (a busy machine) can overrun, and the CLI adds the backend's opening.
     */
    private static final double ALLOWED_SECONDS = 2.0 * BUDGET_SECONDS + 5;

    @TempDir
    Path dir;
    @TempDir
    Path warmUpDir;
    private String previousDir;

    @BeforeEach
    void isolatedStore() {
        OpenClTestSupport.requireDevice();
        previousDir = IsolatedStores.useTuningDir(dir);
    }

    @AfterEach
    void restoreStore() {
        IsolatedStores.restore(IsolatedStores.TUNING_DIR, previousDir);
    }

    @Test
    void tuneEndsWithinItsBudgetAndTheNextBackendUsesTheStoredChoice() throws Exception {
        String selector = OpenClTestSupport.selector();
        try (OpenClBackend before = OpenClBackend.open(selector)) {
            for (GemmClass c : GemmClass.values()) {
                assertEquals(KernelTuning.Source.DEFAULT, before.tuning().gemm().source(c), "empty store: defaults");
            }
        }
        // A first run of the same budget into another folder builds the defaults' programs, so the timed run below
        // is not charged for the compiler's first start on a cold cache (tens of seconds on a busy 2-core machine),
        // which no budget logic can foresee.
        IsolatedStores.useTuningDir(warmUpDir);
        CliRun warmUp =
                CliRun.of("tune", "--device", selector, "--budget", Integer.toString(BUDGET_SECONDS), "--quiet");
        assertEquals(0, warmUp.code(), warmUp.out() + warmUp.err());
        IsolatedStores.useTuningDir(dir);
        long start = System.nanoTime();
        CliRun tune = CliRun.of("tune", "--device", selector, "--budget", Integer.toString(BUDGET_SECONDS));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, tune.code(), tune.out() + tune.err());
        assertTrue(seconds <= ALLOWED_SECONDS, "took " + seconds + " s with a budget of " + BUDGET_SECONDS + " s:\n"
                + tune.out() + tune.err());
        assertTrue(tune.out().contains("  default  1/1 "), tune.out());
        assertTrue(tune.out().contains("gemm.large"), tune.out());
        // The convolution family follows with its share; an 8 s budget may leave it too little to choose.
        assertTrue(tune.out().contains("tuning convolutions on "), tune.out());
        assertTrue(tune.out().contains("stored in " + dir), tune.out());

        try (OpenClBackend after = OpenClBackend.open(selector)) {
            Map<String, String> stored = TuningStore.standard().load(after.device().info());
            for (GemmClass c : GemmClass.values()) {
                assertEquals(KernelTuning.Source.TUNED, after.tuning().gemm().source(c), c.word());
                assertEquals(stored.get(KernelTuning.storeName(c)), after.tuning().gemm().of(c).toString());
            }
        }
        CliRun devices = CliRun.of("devices");
        assertEquals(0, devices.code(), devices.err());
        assertTrue(devices.out().contains("tuned"), devices.out());
    }

    @Test
    void aCandidateThatComputesWrongResultsIsRejectedAndNeverChosen() {
        OpenClBackend cl = OpenClTestSupport.backend();
        GemmConfig[] wrong = new GemmConfig[1];
        Map<GemmConfig, ConfiguredGemm> gemms = new HashMap<>();
        GemmFamily.Product product = (config, c, a, b, transA, transB, m, n, k, alpha, beta) -> gemms
                .computeIfAbsent(config, cfg -> new ConfiguredGemm(cl, cfg))
                // The wrong candidate scales every product by 1.001: a relative error of 1e-3, far above 1e-5.
                .gemm(c, a, b, transA, transB, m, n, k, config.equals(wrong[0]) ? alpha * 1.001f : alpha, beta);
        Tuner tuner = new Tuner(cl, null, List.of((backend, budget) -> {
            GemmFamily family = new GemmFamily(backend, 0, product);
            // the first configuration after the defaults: a width's probe (or, for a single width, the coarse pass's
            // first)
            List<GemmConfig> next = new ArrayList<>(family.probes());
            next.addAll(family.coarse());
            next.removeAll(family.classes().stream().map(family::defaultFor).toList());
            wrong[0] = next.get(0);
            return family;
        }));
        TuningResult result = tuner.tune(Duration.ofSeconds(BUDGET_SECONDS));
        assertFalse(result.choices().isEmpty(), result.table().toString());
        assertTrue(result.rejected().stream().anyMatch(r -> r.startsWith(wrong[0] + ": wrong results")),
                result.rejected() + " should name " + wrong[0]);
        for (TuningResult.Choice choice : result.choices()) {
            assertFalse(choice.chosen().equals(wrong[0].toString()), choice.toString());
        }
        assertTrue(result.seconds() <= ALLOWED_SECONDS, result.table().toString());
    }

    @Test
    void theStoreLivesInTheConfiguredFolder() {
        assertEquals(dir, TuningStore.standard().directory());
        assertFalse(Files.exists(dir.resolve("nothing")));
    }
}
