package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.GemmWidth;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.fixtures.IsolatedStores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GEMM width probe on the test device: the first opening of an untuned CPU device measures the widths and
 * stores the result, the next reads it instead of measuring, and every width's default shape measures (builds and
 * computes correctly), the narrow ones included. The test JVM has the probe off (pom.xml); this test turns it on.
 */
class GemmWidthProbeTest {
    @TempDir
    Path dir;
    private String previousDir;
    private String previousProbe;

    @BeforeEach
    void isolatedStoreWithTheProbeOn() {
        OpenClTestSupport.requireDevice();
        previousDir = IsolatedStores.useTuningDir(dir);
        previousProbe = IsolatedStores.swap(GemmWidth.PROBE_PROPERTY, "on");
    }

    @AfterEach
    void restore() {
        IsolatedStores.restore(IsolatedStores.TUNING_DIR, previousDir);
        IsolatedStores.restore(GemmWidth.PROBE_PROPERTY, previousProbe);
    }

    @Test
    void theFirstOpeningProbesAndStoresAndTheNextReadsTheStoredWidth() throws IOException {
        String selector = OpenClTestSupport.selector();
        GemmWidth probed;
        try (OpenClBackend first = OpenClBackend.open(selector)) {
            if (!first.tuning().blockedGemm()) {
                assertTrue(first.tuning().gemm().defaultWidth().describe().contains("gemm_gpu"));
                return;
            }
            probed = first.tuning().gemm().defaultWidth();
            assertFalse(probed.rates().isEmpty(), probed.describe());
            assertEquals(GemmWidth.probeWidths(first.device().info()).size(), probed.rates().size(),
                    "every probed width measured: " + probed.describe());
            assertEquals(KernelTuning.defaultGemm(probed.width(), OpenClTestSupport.deviceInfo()), first.tuning().gemm().of(GemmClass.LARGE));
            assertTrue(first.tuning().gemmChoice().contains(probed.describe()), first.tuning().gemmChoice());
            Map<String, String> stored = TuningStore.standard().load(first.device().info());
            assertEquals(probed.entry(), stored.get(GemmWidth.STORE_NAME));
        }
        // A stored width is used as it is: a planted one wins, so nothing was measured again.
        String planted = (probed.width() == 4 ? 8 : 4) + "; probed vw4 9.0 vw8 9.0 GFLOP/s";
        try (OpenClBackend any = OpenClBackend.open(selector)) {
            new TuningStore(dir).put(any.device().info(), Map.of(GemmWidth.STORE_NAME, planted));
        }
        try (OpenClBackend next = OpenClBackend.open(selector)) {
            GemmWidth read = next.tuning().gemm().defaultWidth();
            assertEquals(GemmWidth.parse(planted), read);
            assertEquals(KernelTuning.defaultGemm(read.width(), OpenClTestSupport.deviceInfo()), next.tuning().gemm().of(GemmClass.SMALL));
        }
    }

    @Test
    void everyWidthsDefaultShapeBuildsAndComputesCorrectly() {
        OpenClBackend cl = OpenClTestSupport.backend();
        if (!cl.tuning().blockedGemm()) {
            return;
        }
        List<String> dropped = new ArrayList<>();
        Map<Integer, Double> rates = GemmWidthProbe.measure(cl.device(), cl.tuning(), List.of(1, 2, 4, 8, 16),
                dropped);
        assertEquals(List.of(), dropped);
        assertEquals(5, rates.size(), rates.toString());
        rates.values().forEach(r -> assertTrue(r > 0 && Double.isFinite(r), rates.toString()));
    }
}
