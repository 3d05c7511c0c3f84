package dev.clnn.backend.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.DeviceInfo;
import dev.clnn.fixtures.IsolatedStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default GEMM width's probe, as far as it is logic: which widths, which wins, how it is stored and shown. */
class GemmWidthTest {

    private static Map<Integer, Double> rates(double... widthAndRate) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < widthAndRate.length; i += 2) {
            out.put((int) widthAndRate[i], widthAndRate[i + 1]);
        }
        return out;
    }

    @Test
    void aClearlyFasterWidthReplacesTheReportedOne() {
        // POCL generating AVX2 code reports 16; the filer's figures at 256²
        assertEquals(8, GemmWidth.choose(16, rates(16, 121, 8, 184)));
        assertEquals(16, GemmWidth.choose(8, rates(8, 60, 16, 157, 4, 40)));
    }

    @Test
    void theReportedWidthStaysWhereTheProbeCannotTellThemApart() {
        assertEquals(16, GemmWidth.choose(16, rates(16, 100, 8, 104.9)), "within 5 %: noise on a shared machine");
        assertEquals(8, GemmWidth.choose(16, rates(16, 100, 8, 105.1)));
        assertEquals(16, GemmWidth.choose(16, rates()), "nothing measured");
        assertEquals(4, GemmWidth.choose(16, rates(8, 50, 4, 60)), "the reported width failed: the fastest other");
    }

    @Test
    void probedWidthsAreTheReportedOneThenTheX86Classes() {
        assertEquals(List.of(16, 8), GemmWidth.probeWidths(KernelTuningTest.device(false, 4096, 16)));
        assertEquals(List.of(8, 16), GemmWidth.probeWidths(KernelTuningTest.device(false, 4096, 8)));
        assertEquals(List.of(4, 8, 16), GemmWidth.probeWidths(KernelTuningTest.device(false, 4096, 4)));
        // llvmpipe reports 1 and vectorises across work-items: plain floats are measured too
        assertEquals(List.of(1, 8, 16, 4), GemmWidth.probeWidths(KernelTuningTest.device(false, 4096, 1)));
    }

    @Test
    void aStoredProbeRoundTripsAndSaysWhatWasMeasured() {
        DeviceInfo cpu = KernelTuningTest.device(false, 4096, 16);
        GemmWidth probed = GemmWidth.probed(cpu, rates(16, 121.04, 8, 184.2));
        assertEquals(8, probed.width());
        assertEquals("8; probed vw8 184.20 vw16 121.04 GFLOP/s", probed.entry());
        assertEquals(probed, GemmWidth.parse(probed.entry()));
        assertEquals("default for width 8, probed: vw8 184 vs vw16 121 GFLOP/s", probed.describe());
        assertFalse(probed.pending());
        assertThrows(IllegalArgumentException.class, () -> GemmWidth.parse("8"));
        assertThrows(IllegalArgumentException.class, () -> GemmWidth.parse("x; probed vw8 1.0"));
        assertThrows(IllegalArgumentException.class, () -> GemmWidth.parse("3; probed vw3 1.0"));
    }

    @Test
    void aStoredWidthGivesTheDefaultsOfThatWidthAndTunedClassesStay() {
        DeviceInfo cpu = KernelTuningTest.device(false, 4096, 16);
        Map<String, String> stored = Map.of(GemmWidth.STORE_NAME, "8; probed vw8 184.2 vw16 121.0 GFLOP/s",
                KernelTuning.storeName(GemmClass.LONG_K), "vw16 rm8 wn1 g32");
        KernelTuning t = KernelTuning.forDevice(cpu, null, stored);
        assertEquals(GemmDefaults.AVX2, t.gemm().of(GemmClass.LARGE));
        assertEquals(KernelTuning.Source.DEFAULT, t.gemm().source(GemmClass.LARGE));
        assertEquals(GemmConfig.parse("vw16 rm8 wn1 g32"), t.gemm().of(GemmClass.LONG_K));
        assertTrue(t.gemmChoice().endsWith("; default for width 8, probed: vw8 184 vs vw16 121 GFLOP/s"),
                t.gemmChoice());
        // a forced configuration keeps the stored width out
        assertEquals(GemmDefaults.NARROW, KernelTuning.forDevice(cpu, GemmDefaults.NARROW, stored).gemmFor(9, 9, 9));
    }

    @Test
    void eachReasonNotToProbeIsSaid(@TempDir Path dir) throws IOException {
        // The test JVM turns the probe off (pom.xml); the property, read first, turns it back on here.
        String previous = IsolatedStores.swap(GemmWidth.PROBE_PROPERTY, "on");
        try {
            reasons(dir);
        } finally {
            IsolatedStores.restore(GemmWidth.PROBE_PROPERTY, previous);
        }
    }

    private static void reasons(Path dir) throws IOException {
        DeviceInfo cpu = KernelTuningTest.device(false, 4096, 16);
        TuningStore store = new TuningStore(dir.resolve("tuning"));
        KernelTuning plain = KernelTuning.forDevice(cpu, null, Map.of());
        assertTrue(GemmWidth.resolve(cpu, plain, store).pending(), "writable, nothing stored: to be probed");

        GemmWidth gpu = GemmWidth.resolve(cpu, plain.withBlockedGemm(false), store);
        assertTrue(gpu.describe().contains("not probed because the device runs gemm_gpu"), gpu.describe());

        KernelTuning tuned = KernelTuning.forDevice(cpu, null, Map.of(KernelTuning.storeName(GemmClass.SMALL),
                "vw8 rm3 wn3 g8", KernelTuning.storeName(GemmClass.LARGE), "vw8 rm3 wn3 g8",
                KernelTuning.storeName(GemmClass.LONG_K), "vw8 rm3 wn3 g8"));
        assertTrue(GemmWidth.resolve(cpu, tuned, store).describe().contains("every class of shape has a tuned"));

        Path file = Files.writeString(dir.resolve("a-file"), "");
        GemmWidth readOnly = GemmWidth.resolve(cpu, plain, new TuningStore(file.resolve("tuning")));
        assertEquals("default for the reported width 16, not probed because the tuning folder "
                + file.resolve("tuning") + " is not writable", readOnly.describe());

        System.setProperty(GemmWidth.PROBE_PROPERTY, "off");
        assertTrue(GemmWidth.resolve(cpu, plain, store).describe().endsWith("clnn.gemm.probe/CLNN_GEMM_PROBE is off"));
        GemmWidth stored = GemmWidth.parse("8; probed vw8 184.2 vw16 121.0 GFLOP/s");
        assertEquals(stored, GemmWidth.resolve(cpu, plain.withGemmDefaults(stored), store), "probed: as stored");
    }
}
