package dev.clnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.ConvTuning;
import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.cli.CliRun;
import dev.clnn.fixtures.IsolatedStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convolution family on a real device: both algorithms pass its check, a tuning of it stores a choice that the
 * next backend and {@code clnn devices} read as tuned, and an algorithm that computes wrong results is rejected.
 */
@Tag("opencl")
class ConvTunerTest {
    /** Above what two small candidates need on POCL (a second or two each), so a choice is always made. */
    private static final int BUDGET_SECONDS = 10;

    @TempDir
    Path dir;
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
    void bothAlgorithmsPassTheCheckAgainstTheCpuReference() {
        try (ConvFamily family = new ConvFamily(OpenClTestSupport.backend())) {
            for (ConvAlgorithm a : family.coarse()) {
                double error = family.check(a);
                assertTrue(error <= family.tolerance(), a + ": relative error " + error);
            }
        }
    }

    @Test
    void theCheckPoisonsTheOutputsSoAPassThatWritesNothingFails() {
        // Each checked layer runs twice: the poisoning pass over NaN, then the checked one; this pass skips the second
        // and hands back the first one's outputs, as a kernel that writes nothing would leave them.
        Tensor[][] previous = new Tensor[1][];
        int[] calls = {0};
        ConvFamily.Pass stale = (algorithm, layer, x, dy) -> {
            if (calls[0]++ % 2 == 0) {
                previous[0] = new Tensor[] {layer.forward(x), layer.backward(dy)};
            }
            return previous[0];
        };
        try (ConvFamily family = new ConvFamily(OpenClTestSupport.backend(), stale)) {
            for (ConvAlgorithm a : family.coarse()) {
                double error = family.check(a);
                assertFalse(error <= family.tolerance(), a + ": relative error " + error);
            }
        }
    }

    @Test
    void theStoredChoiceIsReadBackAsTunedByTheNextBackend() throws Exception {
        String selector = OpenClTestSupport.selector();
        try (OpenClBackend before = OpenClBackend.open(selector)) {
            assertEquals(null, before.convPolicy().tuned(), "empty store: the rule");
            assertTrue(before.convPolicy().describe().endsWith("(default)"), before.convPolicy().describe());
        }
        TuningResult result = conv(OpenClTestSupport.backend(), ConvFamily::new).tune(
                Duration.ofSeconds(BUDGET_SECONDS));
        assertEquals(1, result.choices().size(), result.table().toString());
        TuningResult.Choice choice = result.choices().get(0);
        assertEquals(ConvTuning.STORE_NAME, choice.entryName());
        result.save(TuningStore.standard());

        try (OpenClBackend after = OpenClBackend.open(selector)) {
            Map<String, String> stored = TuningStore.standard().load(after.device().info());
            assertEquals(choice.chosen(), stored.get(ConvTuning.STORE_NAME));
            ConvAlgorithm tuned = ConvAlgorithm.parse(choice.chosen());
            assertEquals(tuned, after.convPolicy().tuned());
            assertEquals(tuned, after.convAlgorithm(Conv2dShape.square(64, 1, 28, 28, 16, 3, 1, 1)));
            assertTrue(after.convPolicy().describe().endsWith("(tuned)"), after.convPolicy().describe());
        }
        CliRun devices = CliRun.of("devices");
        assertEquals(0, devices.code(), devices.err());
        assertTrue(devices.out().contains("convolutions: ") && devices.out().contains("(tuned)\n"), devices.out());
    }

    @Test
    void anAlgorithmThatComputesWrongResultsIsRejectedAndNeverChosen() {
        OpenClBackend cl = OpenClTestSupport.backend();
        // Not the default: a rejected default ends the family with nothing chosen, which is another path.
        ConvAlgorithm wrong = new ConvPolicy(null, cl.device().info().gpu()).ruleForSmallPatches()
                == ConvAlgorithm.DIRECT ? ConvAlgorithm.IM2COL_GEMM : ConvAlgorithm.DIRECT;
        ConvFamily.Pass pass = (algorithm, layer, x, dy) -> {
            Tensor[] out = {layer.forward(x), layer.backward(dy)};
            if (algorithm == wrong) {
                // A bias gradient that was overwritten rather than accumulated: errors of order 1, far above 1e-5.
                cl.fill(layer.bias().grad(), 0f);
            }
            return out;
        };
        TuningResult result = conv(cl, b -> new ConvFamily(b, pass)).tune(Duration.ofSeconds(BUDGET_SECONDS));
        assertFalse(result.choices().isEmpty(), result.table().toString());
        assertTrue(result.rejected().stream().anyMatch(r -> r.startsWith(wrong.word() + ": wrong results")),
                result.rejected() + " should name " + wrong.word());
        for (TuningResult.Choice choice : result.choices()) {
            assertNotEquals(wrong.word(), choice.chosen(), choice.toString());
        }
    }

    private static Tuner conv(OpenClBackend backend, Function<OpenClBackend, ConvFamily> open) {
        return new Tuner(backend, null, List.of((b, budget) -> open.apply(b)));
    }
}
