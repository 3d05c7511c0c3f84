package dev.clnn.backend.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.DeviceInfo;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GEMM configuration's checks, text form and candidate space, without any OpenCL runtime. */
class GemmConfigTest {

    @Test
    void textFormRoundTripsAndAcceptsAnyOrder() {
        GemmConfig c = new GemmConfig(8, 6, 2, 8);
        assertEquals("vw8 rm6 wn2 g8", c.toString());
        assertEquals(c, GemmConfig.parse(c.toString()));
        assertEquals(c, GemmConfig.parse("  g8, rm6 vw8\twn2 "));
        assertEquals(12, c.registers() - 3);
        assertEquals(16, c.columns());
    }

    @Test
    void eachBadFieldIsNamed() {
        assertMessage("vectorWidth (vw)", () -> new GemmConfig(6, 6, 2, 8));
        assertMessage("rows (rm)", () -> new GemmConfig(8, 0, 2, 8));
        assertMessage("rows (rm)", () -> new GemmConfig(8, GemmConfig.MAX_ROWS + 1, 2, 8));
        assertMessage("vectors (wn)", () -> new GemmConfig(8, 6, 0, 8));
        assertMessage("groupRows (g)", () -> new GemmConfig(8, 6, 2, 12));
        assertMessage("groupRows (g)", () -> new GemmConfig(8, 6, 2, 0));
        assertMessage("unknown token 'x3'", () -> GemmConfig.parse("vw8 rm6 wn2 g8 x3"));
        assertMessage("rm given twice", () -> GemmConfig.parse("vw8 rm6 rm2 g8 wn1"));
        assertMessage("g missing", () -> GemmConfig.parse("vw8 rm6 wn2"));
        assertMessage("vectorWidth (vw)", () -> GemmConfig.parse("vw3 rm6 wn2 g8"));
        assertMessage("unknown token 'rm'", () -> GemmConfig.parse("vw8 rm wn2 g8"));
    }

    @Test
    void candidatesOfEachWidthFitItsRegisterFileAndAreDistinct() {
        for (int width : GemmConfig.WIDTHS) {
            List<GemmConfig> all = GemmConfig.candidates(width);
            assertTrue(!all.isEmpty(), "width " + width);
            assertEquals(all.size(), new HashSet<>(all).size(), "duplicates for width " + width);
            int registers = width >= 16 ? 32 : 16;
            for (GemmConfig c : all) {
                assertTrue(c.registers() <= registers, c + " for width " + width);
                assertTrue(c.rows() * c.vectors() >= 8, c + ": too few accumulators to cover an FMA's latency");
                assertEquals(width, c.vectorWidth(), c + " for width " + width);
            }
            // a coarse pass measures one group size per block shape: keep that short for every width
            assertTrue(all.stream().map(c -> c.rows() + "x" + c.vectors()).distinct().count() <= 16,
                    "block shapes for width " + width);
        }
        assertEquals(28, GemmConfig.candidates(1).size());
        assertEquals(GemmConfig.candidates(1).size(), GemmConfig.candidates(2).size());
        assertTrue(GemmConfig.candidates(8).contains(GemmConfig.parse("vw8 rm4 wn3 g8")));
        assertThrows(IllegalArgumentException.class, () -> GemmConfig.candidates(3));
    }

    @Test
    void aCpuDeviceGetsTheCandidatesOfEveryWidthWhateverItReports() {
        for (int reported : new int[] {1, 4, 8, 16}) {
            List<GemmConfig> all = GemmConfig.candidates(KernelTuningTest.device(false, 4096, reported));
            assertEquals(List.of(1, 2, 4, 8, 16), all.stream().map(GemmConfig::vectorWidth).distinct().toList(),
                    "reported " + reported);
        }
        assertTrue(GemmConfig.candidates(KernelTuningTest.device(true, 256, 4)).isEmpty());
    }

    @Test
    void widthsOneAndTwoParseAndPrint() {
        GemmConfig scalar = GemmConfig.parse("vw1 rm3 wn3 g8");
        assertEquals(new GemmConfig(1, 3, 3, 8), scalar);
        assertEquals("vw1 rm3 wn3 g8", scalar.toString());
        assertEquals(3, scalar.columns());
        GemmConfig pair = GemmConfig.parse("wn4 vw2 g16 rm2");
        assertEquals(8, pair.columns());
        assertEquals("vw2 rm2 wn4 g16", pair.toString());
        assertMessage("vectorWidth (vw)", () -> GemmConfig.parse("vw32 rm3 wn3 g8"));
        assertMessage("vectorWidth (vw)", () -> GemmConfig.parse("vw0 rm3 wn3 g8"));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
