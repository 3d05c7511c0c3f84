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
    void candidatesFitTheRegisterFileOfTheDevicesClassAndAreDistinct() {
        for (int width : new int[] {1, 4, 8, 16}) {
            DeviceInfo cpu = KernelTuningTest.device(false, 4096, width);
            List<GemmConfig> all = GemmConfig.candidates(cpu);
            assertTrue(!all.isEmpty(), "width " + width);
            assertEquals(all.size(), new HashSet<>(all).size(), "duplicates for width " + width);
            int registers = width >= 16 ? 32 : 16;
            for (GemmConfig c : all) {
                assertTrue(c.registers() <= registers, c + " for width " + width);
                assertEquals(Math.max(4, width), c.vectorWidth(), c + " for width " + width);
            }
        }
        assertTrue(GemmConfig.candidates(KernelTuningTest.device(true, 256, 4)).isEmpty());
        assertTrue(GemmConfig.candidates(KernelTuningTest.device(false, 4096, 8))
                .contains(GemmConfig.parse("vw8 rm4 wn3 g8")));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
