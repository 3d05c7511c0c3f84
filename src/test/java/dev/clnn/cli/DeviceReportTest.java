package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.DeviceInfo;
import org.junit.jupiter.api.Test;

class DeviceReportTest {
    static DeviceInfo device(boolean gpu, long maxWorkGroup, boolean fp64, boolean fp16) {
        return new DeviceInfo(0, 1, "Some Platform", "OpenCL 3.0 Some Platform 1.0", gpu ? "Some GPU" : "Some CPU", "Vendor", "1.0", "OpenCL 3.0",
                gpu, 8, 8L << 30, 2L << 30, 64L << 10, maxWorkGroup, fp64, fp16, gpu ? 1 : 16);
    }

    @Test
    void cpuReportShowsCapabilitiesAndTheBlockedGemm() {
        String report = DeviceReport.describe(device(false, 4096, true, false), true);
        String[] lines = report.split("\n");
        assertEquals(7, lines.length, report);
        assertEquals("* opencl:0:1   Some CPU", lines[0]);
        assertTrue(lines[2].contains("8192 MiB global memory, 2048 MiB max allocation, 64 KiB local memory"), report);
        assertEquals("    max work-group size 4096 (4096×4096×4096 per dimension), preferred float vector width 16,"
                + " fp64 yes, fp16 no", lines[3]);
        assertTrue(lines[4].matches("    clnn uses GEMM gemm_blocked vw16 rm\\d+ wn\\d+ g\\d+ \\(default: \\d+x\\d+"
                + " register block, split-K for long K\\); default for the reported width 16, not probed because"
                + " .+"), report);
        assertEquals("    and REDUCE_LOCAL=256, BIAS_LOCAL=64, elementwise work-groups of 256", lines[5]);
        assertEquals("    convolutions: direct for cin·kh·kw ≤ 32, else im2col_gemm (default)", lines[6]);
    }

    @Test
    void gpuReportShowsOnlyTheGpuGemmInAShapeThatFitsItsWorkGroups() {
        String report = DeviceReport.describe(device(true, 128, false, true), false);
        assertTrue(report.startsWith("  opencl:0:1"), report);
        assertTrue(report.contains("fp64 no, fp16 yes"), report);
        assertTrue(report.contains("clnn uses GEMM gemm_gpu mwg32 nwg32 kwg16 mdimc8 ndimc8 vwm4 vwn4 kwi2 strm1 strn1 sa1"
                + " sb1 (default: packed, 32x32 tiles of 8x8 work-items, 4x4 register tile each)\n"), report);
        assertFalse(report.contains("gemm_blocked"), report);
        assertTrue(report.contains("REDUCE_LOCAL=128, BIAS_LOCAL=64, elementwise work-groups of 128"), report);
        assertTrue(report.contains("convolutions: im2col_gemm (default)\n"), report);
    }
}
