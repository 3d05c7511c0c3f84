package dev.clnn.backend.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.DeviceInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every value the tuning chooses stays within what a device reports: local memory, work-group size in all and per
 * dimension. Made-up devices with small limits; a forced configuration beyond a limit is refused with the limit
 * named, a stored one is left out (as an entry that does not parse is) and the default used.
 */
class DeviceLimitsTest {
    /** A device with these limits: work-groups of at most {@code maxGroup}, {@code items} per dimension. */
    static DeviceInfo device(boolean gpu, long maxGroup, long localBytes, Long... items) {
        return new DeviceInfo(0, 0, "p", "OpenCL 3.0", "small", "v", "1", "OpenCL 3.0", gpu, 8, 4L << 30, 1L << 30,
                localBytes, maxGroup, false, false, 4, List.of(items));
    }

    static DeviceInfo device(boolean gpu, long maxGroup, long localBytes) {
        return device(gpu, maxGroup, localBytes, maxGroup, maxGroup, maxGroup);
    }

    @Test
    void localMemoryOf16KiBKeepsEveryLocalArrayWithinIt() {
        DeviceInfo small = device(true, 1024, 16L << 10);
        KernelTuning t = KernelTuning.forDevice(small, null);
        assertEquals(List.of(), t.problems(small));
        assertTrue(t.gpuGemm().localMemoryBytes() <= 16L << 10, t.gpuGemm().toString());
        List<GpuGemmConfig> candidates = GpuGemmConfig.candidates(small);
        assertFalse(candidates.isEmpty());
        for (GpuGemmConfig c : candidates) {
            assertTrue(c.localMemoryBytes() <= 16L << 10, c + " uses " + c.localMemoryBytes() + " bytes");
        }
        // The filter bites: a device with 64 KiB is offered tiles that need more than 16 KiB.
        assertTrue(GpuGemmConfig.candidates(device(true, 1024, 64L << 10)).stream()
                .anyMatch(c -> c.localMemoryBytes() > 16L << 10));
    }

    @Test
    void localMemoryOfHalfAKiBShrinksTheReductionsAndGemmGpuStopsUsingIt() {
        DeviceInfo tiny = device(true, 1024, 512);
        KernelTuning t = KernelTuning.forDevice(tiny, null);
        assertEquals(128, t.reduceLocal(), "128 floats of partial sums fill the 512 bytes");
        assertEquals(64, t.biasLocal());
        assertEquals(256, t.elementwiseLocal(), "no local memory: only the work-group limit");
        assertEquals(0, t.gpuGemm().localMemoryBytes(), t.gpuGemm().toString());
        assertEquals(List.of(), t.problems(tiny));
        assertEquals(List.of(), GpuGemmConfig.candidates(tiny));
    }

    @Test
    void aForcedGemmGpuConfigBeyondTheLocalMemoryIsRefusedNamingTheLimit() {
        DeviceInfo small = device(true, 1024, 16L << 10);
        String big = "mwg128 nwg128 kwg32";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withProperty(KernelTuning.GPU_GEMM_PROPERTY, big, () -> KernelTuning.forDevice(small)));
        assertEquals("clnn.gpugemm/CLNN_GPU_GEMM: '" + GpuGemmConfig.parse(big) + "' does not fit the device: 32768"
                + " bytes of local memory exceed CL_DEVICE_LOCAL_MEM_SIZE 16384 of small", e.getMessage());
    }

    @Test
    void aStoredGemmGpuConfigBeyondTheLocalMemoryIsLeftOutForTheDefault() {
        DeviceInfo small = device(true, 1024, 16L << 10);
        KernelTuning t = KernelTuning.forDevice(small, null,
                Map.of(KernelTuning.GPU_GEMM_STORE_NAME, "mwg128 nwg128 kwg32"));
        assertEquals(KernelTuning.forDevice(small, null), t);
        assertEquals(KernelTuning.Source.DEFAULT, t.gpuGemmSource());
        // Within the limit, the same entry is used.
        DeviceInfo large = device(true, 1024, 64L << 10);
        assertEquals(KernelTuning.Source.TUNED, KernelTuning.forDevice(large, null,
                Map.of(KernelTuning.GPU_GEMM_STORE_NAME, "mwg128 nwg128 kwg32")).gpuGemmSource());
    }

    @Test
    void workGroupsOf64KeepEveryGroupWithinThem() {
        for (boolean gpu : new boolean[] {true, false}) {
            DeviceInfo small = device(gpu, 64, 32L << 10);
            KernelTuning t = KernelTuning.forDevice(small, null);
            assertEquals(List.of(), t.problems(small));
            assertEquals(64, t.elementwiseLocal());
            assertEquals(64, t.reduceLocal());
            assertEquals(64, t.biasLocal());
            assertTrue(t.gpuGemm().workGroupSize() <= 64, t.gpuGemm().toString());
            assertTrue(t.gpuGemm().packEdge() * t.gpuGemm().packEdge() <= 64);
            assertTrue(t.gemmFor(512, 512, 512).groupRows() <= 64);
            for (GpuGemmConfig c : GpuGemmConfig.candidates(small)) {
                assertTrue(c.workGroupSize() <= 64, c.toString());
            }
        }
        // The filter bites: 256 work-items are offered tiles of 16×16.
        assertTrue(GpuGemmConfig.candidates(device(true, 256, 32L << 10)).stream()
                .anyMatch(c -> c.workGroupSize() > 64));
    }

    @Test
    void workGroupsOf4ShrinkTheDefaultsAndThePackingTile() {
        DeviceInfo four = device(false, 4, 32L << 10);
        KernelTuning t = KernelTuning.forDevice(four, null);
        assertEquals(List.of(), t.problems(four));
        assertEquals(4, t.elementwiseLocal());
        assertEquals(4, t.gemmFor(512, 512, 512).groupRows(), "the default's 8 rows shrink to 4");
        assertEquals(GemmDefaults.NARROW.rows(), t.gemmFor(512, 512, 512).rows(), "the register block stays");
        assertEquals(1, t.gpuGemm().workGroupSize());
        assertEquals(1, t.gpuGemm().packEdge());
        assertEquals(2, GpuGemmConfig.parse("mwg32 nwg32 mdimc2 ndimc2 vwm4 vwn4").packEdge());
    }

    @Test
    void aForcedGemmBeyondTheWorkGroupLimitIsRefusedAndAStoredOneLeftOut() {
        DeviceInfo small = device(false, 64, 32L << 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelTuning.forDevice(small, GemmConfig.parse("vw4 rm3 wn3 g128")));
        assertEquals("'vw4 rm3 wn3 g128' does not fit the device: work-group 1×128 (128 work-items) exceeds"
                + " CL_DEVICE_MAX_WORK_GROUP_SIZE 64 of small", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> withProperty(KernelTuning.GEMM_PROPERTY,
                "vw4 rm3 wn3 g128", () -> KernelTuning.forDevice(small)));
        assertTrue(e.getMessage().startsWith("clnn.gemm/CLNN_GEMM: 'vw4 rm3 wn3 g128' does not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> withProperty(KernelTuning.GPU_GEMM_PROPERTY,
                "mwg64 nwg64 mdimc16 ndimc16", () -> KernelTuning.forDevice(small)));
        assertTrue(e.getMessage().endsWith("work-group 16×16 (256 work-items) exceeds CL_DEVICE_MAX_WORK_GROUP_SIZE"
                + " 64 of small"), e.getMessage());

        KernelTuning stored = KernelTuning.forDevice(small, null,
                Map.of(KernelTuning.storeName(GemmClass.LARGE), "vw4 rm3 wn3 g128",
                        KernelTuning.storeName(GemmClass.SMALL), "vw4 rm3 wn3 g32"));
        assertEquals(KernelTuning.Source.DEFAULT, stored.gemm().source(GemmClass.LARGE));
        assertEquals(KernelTuning.forDevice(small, null).gemm().of(GemmClass.LARGE), stored.gemm().of(GemmClass.LARGE));
        assertEquals(GemmConfig.parse("vw4 rm3 wn3 g32"), stored.gemm().of(GemmClass.SMALL), "within the limit");
    }

    @Test
    void perDimensionWorkItemSizesBoundEachDimension() {
        // 1024 work-items in all, but only 4 along dimensions 1 and 2 (gemm_blocked's rows, gemm_gpu's MDIMC).
        DeviceInfo narrow = device(true, 1024, 64L << 10, 1024L, 4L, 4L);
        KernelTuning t = KernelTuning.forDevice(narrow, null);
        assertEquals(List.of(), t.problems(narrow));
        assertTrue(t.gpuGemm().mdimc() <= 4, t.gpuGemm().toString());
        assertEquals(4, t.gemmFor(512, 512, 512).groupRows());
        assertEquals(List.of(), GpuGemmConfig.candidates(narrow), "every candidate has at least 8 along MDIMC");
        List<GpuGemmConfig> eight = GpuGemmConfig.candidates(device(true, 1024, 64L << 10, 1024L, 8L, 8L));
        assertFalse(eight.isEmpty());
        for (GpuGemmConfig c : eight) {
            assertTrue(c.mdimc() <= 8, c.toString());
        }
        assertEquals("work-group 1×8 exceeds CL_DEVICE_MAX_WORK_ITEM_SIZES[1] 4 of small",
                GemmConfig.parse("vw4 rm3 wn3 g8").problem(narrow));
        assertFalse(GemmConfig.parse("vw4 rm3 wn3 g8").fits(narrow));
        assertTrue(GemmConfig.parse("vw4 rm3 wn3 g4").fits(narrow));
        // Only 8 along dimension 0: the 1-D groups (elementwise, reductions) shrink to it.
        DeviceInfo short0 = device(false, 1024, 64L << 10, 8L, 1024L, 1024L);
        KernelTuning s = KernelTuning.forDevice(short0, null);
        assertEquals(List.of(), s.problems(short0));
        assertEquals(8, s.elementwiseLocal());
        assertEquals(8, s.reduceLocal());
        assertEquals(8, s.biasLocal());
    }

    @Test
    void problemsNameEachValueBeyondTheLimits() {
        DeviceInfo small = device(true, 64, 512);
        KernelTuning big = KernelTuning.forDevice(device(true, 1024, 64L << 10), null);
        List<String> problems = big.problems(small);
        assertEquals(List.of(
                "elementwise: work-group 256 (256 work-items) exceeds CL_DEVICE_MAX_WORK_GROUP_SIZE 64 of small",
                "REDUCE_LOCAL/XENT_LOCAL/LOG_SOFTMAX_LOCAL/BN_LOCAL: work-group 256 (256 work-items) exceeds"
                        + " CL_DEVICE_MAX_WORK_GROUP_SIZE 64 of small",
                "REDUCE_LOCAL/XENT_LOCAL/LOG_SOFTMAX_LOCAL/BN_LOCAL: 1024 bytes of local memory exceed"
                        + " CL_DEVICE_LOCAL_MEM_SIZE 512 of small",
                "gemm_gpu " + GpuGemmConfig.DEFAULT + ": work-group 16×16 (256 work-items) exceeds"
                        + " CL_DEVICE_MAX_WORK_GROUP_SIZE 64 of small"), problems);
        assertNull(DeviceLimits.workGroupProblem(small, 8, 8));
        assertNull(DeviceLimits.localMemoryProblem(small, 512));
    }

    @Test
    void fp64IsNeverAskedFor() {
        // Nothing in the choice depends on double precision: a device without it gets what one with it gets.
        DeviceInfo without = device(true, 256, 32L << 10);
        DeviceInfo with = new DeviceInfo(0, 0, "p", "OpenCL 3.0", "small", "v", "1", "OpenCL 3.0", true, 8, 4L << 30,
                1L << 30, 32L << 10, 256, true, false, 4, List.of(256L, 256L, 256L));
        assertFalse(without.fp64());
        assertEquals(KernelTuning.forDevice(with, null), KernelTuning.forDevice(without, null));
    }

    private static <T> T withProperty(String property, String value, java.util.function.Supplier<T> body) {
        try {
            System.setProperty(property, value);
            return body.get();
        } finally {
            System.clearProperty(property);
        }
    }
}
