package dev.clnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.device.DeviceInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table {@code clnn tune} prints keeps its columns aligned for gemm_gpu's long configuration texts. */
class TuningResultTableTest {
    @Test
    void columnsWidenToTheLongestConfiguration() {
        DeviceInfo device = new DeviceInfo(0, 0, "p", "OpenCL 1.2 p", "d", "v", "1", "OpenCL 1.2", true, 4, 1L << 30,
                1L << 28, 32L << 10, 1024, true, false, 4);
        String gpu = "mwg128 nwg64 kwg32 mdimc16 ndimc8 vwm4 vwn4 kwi2 strm1 strn1 sa1 sb1";
        String def = "mwg64 nwg64 kwg16 mdimc16 ndimc16 vwm4 vwn4 kwi2 strm1 strn1 sa1 sb1";
        TuningResult result = new TuningResult(device, List.of(new TuningResult.Choice("gemm_gpu", "all", gpu, 200,
                def, 100)), 2, List.of(), 0, 1, 10);
        List<String> table = result.table();
        int defaultColumn = table.get(0).indexOf("default");
        assertEquals(defaultColumn, table.get(1).indexOf(def), table.toString());
        assertEquals(table.get(0).indexOf("speed-up"), table.get(1).indexOf("2.00x"), table.toString());
    }

    @Test
    void theClassColumnWidensToTheLongestEntryName() {
        DeviceInfo device = new DeviceInfo(0, 0, "p", "OpenCL 1.2 p", "d", "v", "1", "OpenCL 1.2", false, 4, 1L << 30,
                1L << 28, 32L << 10, 1024, true, false, 16);
        TuningResult result = new TuningResult(device, List.of(
                new TuningResult.Choice("gemm", "large", "vw16 rm6 wn3 g16", 125.9, "vw16 rm12 wn2 g8", 82.0),
                new TuningResult.Choice("conv", "small-patch", "direct", 6.9, "im2col_gemm", 4.0)), 4, List.of(), 0, 1,
                10);
        List<String> table = result.table();
        int chosenColumn = table.get(0).indexOf("chosen");
        assertEquals(chosenColumn, table.get(1).indexOf("vw16 rm6 wn3 g16"), table.toString());
        assertEquals(chosenColumn, table.get(2).indexOf("direct"), table.toString());
        assertEquals(table.get(0).indexOf("default"), table.get(2).indexOf("im2col_gemm"), table.toString());
    }
}
