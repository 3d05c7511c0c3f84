package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.fixtures.IsolatedStores;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two POCL devices in one context ({@link ClDevice#openShared}): a kernel on one reads a buffer the other wrote,
 * ordered by a marker and a barrier across the queues; either device closes first without breaking the other; and
 * a program built there (which lists both devices) is cached on disk for the device it was built for.
 * Run by the {@code multi-device-test} execution, which makes POCL list two devices.
 */
@Tag("multidevice")
class SharedContextTest {
    private static final int COUNT = 1003; // odd, and not a multiple of any vector width

    private static List<DeviceInfo> twoPocl() {
        OpenClTestSupport.requireDevice();
        List<DeviceInfo> pocl = ClDevice.list().stream()
                .filter(d -> d.platformName().equals("Portable Computing Language")).toList();
        Assumptions.assumeTrue(pocl.size() >= 2, "needs two POCL devices (POCL_DEVICES=\"pthread pthread\")");
        return pocl.subList(0, 2);
    }

    @Test
    void aKernelOnOneDeviceReadsWhatTheOtherWroteAfterItsMarker() {
        List<ClDevice> devices = ClDevice.openShared(twoPocl(), false);
        ClDevice first = devices.get(0);
        ClDevice second = devices.get(1);
        try (DeviceBuffer a = first.allocate(COUNT * 4L); DeviceBuffer b = second.allocate(COUNT * 4L)) {
            assertTrue(first.sharesContextWith(second));
            first.fill(a, COUNT, Float.floatToRawIntBits(3f), "test"); // enqueued, not waited for
            second.write(b, filled(COUNT, 0.5f));
            try (DeviceEvent written = first.marker()) {
                second.waitFor(List.of(written));
            }
            // weighted_sum_all on the second device: a = b = 2·a + 4·b, reading a where the first device wrote it.
            ClKernel sum = second.kernel("allreduce.cl", "weighted_sum_all", "");
            second.launch(sum, "test", new long[] {COUNT}, null, COUNT, 2, 2, a, b, a, a, 2f, 4f, 0f, 0f);
            try (DeviceEvent summed = second.marker()) {
                first.waitFor(List.of(summed));
            }
            float[] onFirst = new float[COUNT];
            first.read(a, onFirst);
            float[] onSecond = new float[COUNT];
            second.read(b, onSecond);
            assertArrayEquals(filled(COUNT, 8f), onFirst, "the first device's buffer after the second's kernel");
            assertArrayEquals(filled(COUNT, 8f), onSecond, "the second device's buffer");
        } finally {
            devices.forEach(ClDevice::close);
        }
    }

    @Test
    void theFirstDeviceClosesBeforeTheSecond() {
        closeOneThenUseTheOther(0);
    }

    @Test
    void theSecondDeviceClosesBeforeTheFirst() {
        closeOneThenUseTheOther(1);
    }

    @Test
    void aSecondQueueSharesTheContextAndClosesOnItsOwn() {
        List<ClDevice> devices = ClDevice.openShared(twoPocl(), false);
        try {
            ClDevice queue = devices.get(0).openSecondQueue();
            assertTrue(queue.sharesContextWith(devices.get(1)));
            queue.close();
            roundTrip(devices.get(0));
        } finally {
            devices.forEach(ClDevice::close);
        }
    }

    @Test
    void devicesOpenedAloneShareNoContextAndRefuseEachOthersEvents() {
        List<DeviceInfo> pocl = twoPocl();
        try (ClDevice a = ClDevice.open(pocl.get(0)); ClDevice b = ClDevice.open(pocl.get(1));
                DeviceEvent marker = a.marker()) {
            assertFalse(a.sharesContextWith(b));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.waitFor(List.of(marker)));
            assertTrue(e.getMessage().contains("another context"), e.getMessage());
        }
    }

    @Test
    void aProgramBuiltInASharedContextIsCachedOnDiskForItsDevice(@TempDir Path cacheDir) {
        List<DeviceInfo> pocl = twoPocl();
        IsolatedStores.useKernelCacheDir(cacheDir);
        try {
            List<ClDevice> devices = ClDevice.openShared(pocl, false);
            try {
                devices.get(1).build("relu.cl", "");
                assertEquals(1, devices.get(1).sourceBuilds());
            } finally {
                devices.forEach(ClDevice::close); // writes the binary: the program lists both devices
            }
            devices = ClDevice.openShared(pocl, false);
            try {
                devices.get(1).build("relu.cl", "");
                assertEquals(0, devices.get(1).sourceBuilds(), "built again instead of loaded from disk");
                assertEquals(1, devices.get(1).binaryLoads());
            } finally {
                devices.forEach(ClDevice::close);
            }
        } finally {
            IsolatedStores.resetKernelCache();
        }
    }

    private static void closeOneThenUseTheOther(int closedFirst) {
        List<ClDevice> devices = ClDevice.openShared(twoPocl(), false);
        try {
            devices.get(closedFirst).close();
            roundTrip(devices.get(1 - closedFirst));
        } finally {
            devices.forEach(ClDevice::close); // a second close does nothing
        }
    }

    private static void roundTrip(ClDevice device) {
        try (DeviceBuffer b = device.allocate(COUNT * 4L)) {
            device.write(b, filled(COUNT, 1.25f));
            float[] back = new float[COUNT];
            device.read(b, back);
            assertArrayEquals(filled(COUNT, 1.25f), back, "a write and read on " + device.info().name());
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
