package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.opencl.tuning.DeviceLimits;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.DeviceInfo;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-dimensional work-groups the launcher picks (pooling, convolution layouts, bias, packing) fit each device's
 * work-group limit and per-dimension sizes; where the larger groups do not fit, the launcher keeps the small ones.
 */
class LaunchGroupsTest {
    private static final long[][] GLOBALS = {{1}, {1000}, {3, 7}, {100, 7}, {1, 1, 1}, {3, 17, 33}, {129, 33, 8}};

    private static DeviceInfo device(long maxGroup, long... items) {
        return new DeviceInfo(0, 0, "p", "OpenCL 3.0", "d", "v", "1", "OpenCL 3.0", false, 8, 4L << 30, 1L << 30,
                32L << 10, maxGroup, false, false, 8, Arrays.stream(items).boxed().toList());
    }

    @Test
    void everyGroupFitsEveryDevice() {
        List<DeviceInfo> devices = List.of(device(4096, 4096, 4096, 4096), device(1024, 1024, 1024, 1024),
                device(256, 256, 256, 256), device(1024, 1024, 1024, 64), device(64, 64, 64, 64),
                device(1024, 1024, 2, 2), device(1024, 8, 1024, 1024), device(4, 4, 4, 4), device(1, 1, 1, 1));
        for (DeviceInfo info : devices) {
            KernelTuning tuning = KernelTuning.forDevice(info, null);
            for (long[] global : GLOBALS) {
                long[] grouped = KernelLauncher.groupsFor(tuning, info, global, info.maxWorkGroupSize());
                long[] range = KernelLauncher.rangeGroups(tuning, global.length, info.maxWorkGroupSize());
                String where = info.maxWorkGroupSize() + " " + info.maxWorkItemSizes() + " " + Arrays.toString(global);
                assertNull(DeviceLimits.workGroupProblem(info, grouped), where);
                assertNull(DeviceLimits.workGroupProblem(info, range), where);
                assertNull(DeviceLimits.workGroupProblem(info, tuning.elementwiseLocal()), where);
            }
        }
    }

    @Test
    void largerGroupsWhereTheDeviceAllowsThemElseTheRangesGroups() {
        DeviceInfo cpu = device(4096, 4096, 4096, 4096);
        KernelTuning t = KernelTuning.forDevice(cpu, null);
        assertArrayEquals(new long[] {16, 4, 4}, KernelLauncher.groupsFor(t, cpu, new long[] {100, 7, 9}, 4096));
        assertArrayEquals(new long[] {1, 16, 16}, KernelLauncher.groupsFor(t, cpu, new long[] {3, 7, 9}, 4096));
        assertArrayEquals(new long[] {1, 64}, KernelLauncher.groupsFor(t, cpu, new long[] {3, 7}, 4096));
        DeviceInfo narrow = device(1024, 1024, 2, 2);
        KernelTuning n = KernelTuning.forDevice(narrow, null);
        assertArrayEquals(new long[] {16, 1, 1}, KernelLauncher.groupsFor(n, narrow, new long[] {100, 7, 9}, 1024));
        DeviceInfo four = device(4, 4, 4, 4);
        assertArrayEquals(new long[] {4, 1}, KernelLauncher.rangeGroups(KernelTuning.forDevice(four, null), 2, 4));
        assertEquals(16, KernelLauncher.rangeGroups(t, 3, 4096)[0]);
    }

    @Test
    void aCompiledKernelAllowingFewerWorkItemsGetsSmallerGroups() {
        // Mesa's rusticl 22.3 reports CL_KERNEL_WORK_GROUP_SIZE 32 for every kernel of its 1024-item device.
        DeviceInfo rusticl = device(1024, 1024, 1024, 1024);
        KernelTuning t = KernelTuning.forDevice(rusticl, null);
        assertArrayEquals(new long[] {16, 1, 1}, KernelLauncher.groupsFor(t, rusticl, new long[] {100, 7, 9}, 32));
        assertArrayEquals(new long[] {16, 4}, KernelLauncher.groupsFor(t, rusticl, new long[] {100, 7}, 64));
        assertArrayEquals(new long[] {8, 1}, KernelLauncher.rangeGroups(t, 2, 12));
        for (long kernelGroup : new long[] {1, 3, 32, 100, 255}) {
            for (long[] global : GLOBALS) {
                long[] grouped = KernelLauncher.groupsFor(t, rusticl, global, kernelGroup);
                assertTrue(Arrays.stream(grouped).reduce(1, (a, b) -> a * b) <= kernelGroup,
                        kernelGroup + " " + Arrays.toString(grouped));
            }
        }
    }
}
