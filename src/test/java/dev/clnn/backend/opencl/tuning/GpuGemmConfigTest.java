package dev.clnn.backend.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.DeviceInfo;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gemm_gpu's configuration: checks, text form, default and candidate space, without any OpenCL runtime. */
public class GpuGemmConfigTest {
    /** A GPU-like device with the given limits. */
    public static DeviceInfo gpu(long maxWorkGroup, long localBytes) {
        return new DeviceInfo(0, 0, "p", "OpenCL 3.0", "g", "v", "1", "OpenCL 3.0", true, 132, 80L << 30, 20L << 30,
                localBytes, maxWorkGroup, true, true, 1);
    }

    @Test
    void textFormRoundTripsAndOmittedFieldsKeepTheDefault() {
        GpuGemmConfig c = new GpuGemmConfig(128, 64, 32, 16, 8, 8, 2, 4, false, true, true, false);
        assertEquals("mwg128 nwg64 kwg32 mdimc16 ndimc8 vwm8 vwn2 kwi4 strm0 strn1 sa1 sb0", c.toString());
        assertEquals(c, GpuGemmConfig.parse(c.toString()));
        assertEquals(c, GpuGemmConfig.parse(" sb0,strm0 mwg128\tnwg64 kwg32 mdimc16 ndimc8 vwm8 vwn2 kwi4"));
        assertEquals(GpuGemmConfig.DEFAULT, GpuGemmConfig.parse("mwg64"));
        assertEquals("mwg64 nwg64 kwg16 mdimc16 ndimc16 vwm4 vwn4 kwi2 strm1 strn1 sa1 sb1",
                GpuGemmConfig.DEFAULT.toString());
        assertEquals(8, c.mwi());
        assertEquals(8, c.nwi());
        assertEquals(128, c.workGroupSize());
        assertEquals(4L * 32 * 128, c.localMemoryBytes());
        assertEquals(64 + 16, c.registers());
    }

    @Test
    void eachBadFieldAndBrokenConstraintIsNamed() {
        assertMessage("GPU GEMM mwg must be 1 to 256, not 0", () -> GpuGemmConfig.parse("mwg0"));
        assertMessage("GPU GEMM vwn must be 1, 2, 4 or 8, not 3", () -> GpuGemmConfig.parse("vwn3 nwg48 ndimc16"));
        assertMessage("GPU GEMM mwg must be a multiple of mdimc*vwm = 64, not 32", () -> GpuGemmConfig.parse("mwg32"));
        assertMessage("GPU GEMM nwg must be a multiple of ndimc*vwn = 64, not 96", () -> GpuGemmConfig.parse("nwg96"));
        assertMessage("GPU GEMM kwg must be a multiple of kwi = 3, not 16", () -> GpuGemmConfig.parse("kwi3"));
        assertMessage("GPU GEMM mdimc*ndimc must be at most 1024", () -> GpuGemmConfig.parse(
                "mdimc64 ndimc32 mwg256 nwg128"));
        assertMessage("unknown token 'tile64'", () -> GpuGemmConfig.parse("tile64"));
        assertMessage("unknown token 'mwg'", () -> GpuGemmConfig.parse("mwg nwg64"));
        assertMessage("kwg given twice", () -> GpuGemmConfig.parse("kwg16 kwg32"));
        assertMessage("sa must be 0 or 1, not 2", () -> GpuGemmConfig.parse("sa2"));
        assertMessage("bad number in 'mwg99999999999'", () -> GpuGemmConfig.parse("mwg99999999999"));
    }

    @Test
    void theDefaultFitsTheDeviceOrFallsBackToSmallerShapes() {
        assertEquals(GpuGemmConfig.DEFAULT, GpuGemmConfig.forDevice(gpu(1024, 48 << 10)));
        assertEquals(GpuGemmConfig.parse("mwg32 nwg32 mdimc8 ndimc8"), GpuGemmConfig.forDevice(gpu(128, 48 << 10)));
        assertEquals(GpuGemmConfig.parse("mwg32 nwg32 mdimc8 ndimc8"), GpuGemmConfig.forDevice(gpu(1024, 6 << 10)));
        assertEquals(GpuGemmConfig.parse("mwg16 nwg16 mdimc4 ndimc4"), GpuGemmConfig.forDevice(gpu(32, 48 << 10)));
        assertEquals(GpuGemmConfig.parse("mwg4 nwg4 kwg4 mdimc1 ndimc1 sa0 sb0"),
                GpuGemmConfig.forDevice(gpu(8, 0)));
    }

    @Test
    void candidatesRespectTheDeviceLimitsAndTheRegisterBudget() {
        List<GpuGemmConfig> large = GpuGemmConfig.candidates(gpu(1024, 64 << 10));
        assertEquals(large.size(), new HashSet<>(large).size(), "duplicates");
        assertTrue(large.contains(GpuGemmConfig.DEFAULT), large.toString());
        assertTrue(large.contains(GpuGemmConfig.parse("mwg128 nwg128 kwg32")), large.toString());
        for (GpuGemmConfig c : large) {
            assertTrue(c.mwi() >= 4 && c.mwi() <= 8 && c.nwi() >= 4 && c.nwi() <= 8, c.toString());
            assertTrue(c.registers() <= GpuGemmConfig.REGISTER_BUDGET, c.toString());
        }
        // The whole space fits the GPU-like limits of the Oclgrind run (groups of 256, 48 KiB of local memory).
        assertEquals(large, GpuGemmConfig.candidates(gpu(256, 48 << 10)));
        for (long[] limits : new long[][] {{64, 48 << 10}, {1024, 16 << 10}}) {
            List<GpuGemmConfig> some = GpuGemmConfig.candidates(gpu(limits[0], limits[1]));
            assertTrue(!some.isEmpty() && some.size() < large.size(), limits[0] + " " + limits[1]);
            for (GpuGemmConfig c : some) {
                assertTrue(c.workGroupSize() <= limits[0] && c.localMemoryBytes() <= limits[1], c.toString());
            }
        }
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
