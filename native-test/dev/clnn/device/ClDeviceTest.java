package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class ClDeviceTest {

    @Test
    void selectorsPickByPositionAndByName() {
        OpenClTestSupport.requireDevice();
        List<DeviceInfo> all = ClDevice.list();
        DeviceInfo first = all.get(0);
        assertEquals(first, ClDevice.select(first.selector()));
        assertEquals(first.name(), ClDevice.select(first.name().substring(0, 4).toUpperCase()).name());
        DeviceInfo best = ClDevice.select("opencl");
        assertTrue(best.gpu() || all.stream().noneMatch(DeviceInfo::gpu), "opencl prefers a GPU");
    }

    @Test
    void unknownSelectorsAreErrorsListingTheDevices() {
        OpenClTestSupport.requireDevice();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClDevice.select("no-such-device-xyz"));
        assertTrue(e.getMessage().contains("no-such-device-xyz") && e.getMessage().contains("opencl:0:0"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClDevice.select("opencl:9:9"));
        assertThrows(IllegalArgumentException.class, () -> ClDevice.select("opencl:x"));
    }

    @Test
    void pooledBuffersAreReusedAndLiveBytesReturnToZero() {
        OpenClTestSupport.requireDevice();
        try (ClDevice d = ClDevice.open(ClDevice.select("opencl"))) {
            DeviceBuffer a = d.allocate(4096);
            assertEquals(4096, d.liveBytes());
            assertEquals(1, d.liveBuffers());
            a.close();
            a.close(); // closing twice returns it once
            assertEquals(0, d.liveBytes());
            try (DeviceBuffer b = d.allocate(4096)) {
                assertEquals(1, d.liveBuffers());
                float[] data = {1, 2, 3};
                d.write(b, data);
                float[] back = new float[3];
                d.read(b, back);
                assertEquals(List.of(1f, 2f, 3f), List.of(back[0], back[1], back[2]));
            }
            assertEquals(0, d.liveBuffers());
        }
    }

    @Test
    void exhaustingDeviceMemoryNamesRequestedAndAvailableBytesAfterDroppingTheCache() {
        OpenClTestSupport.requireDevice();
        try (ClDevice d = ClDevice.open(ClDevice.select("opencl"))) {
            long chunk = Math.min(d.info().maxAllocBytes(), d.info().globalMemBytes() / 4) - 64;
            java.util.List<DeviceBuffer> held = new java.util.ArrayList<>();
            try {
                held.add(d.allocate(chunk));
                held.add(d.allocate(chunk));
                held.add(d.allocate(chunk));
                // A fifth chunk fits only once the pool lets go of cached buffers: cache one, then ask for another.
                DeviceBuffer cached = d.allocate(chunk);
                cached.close();
                assertEquals(chunk, d.cachedBytes());
                held.add(d.allocate(chunk + 4)); // a different size: the cached buffer cannot be reused
                assertEquals(0, d.cachedBytes(), "the cache was dropped to make room");
                long tooMuch = d.info().globalMemBytes() - d.liveBytes() + 4;
                DeviceException e = assertThrows(DeviceException.class, () -> d.allocate(Math.min(tooMuch,
                        d.info().maxAllocBytes())));
                assertTrue(e.getMessage().contains("available"), e.getMessage());
            } finally {
                held.forEach(DeviceBuffer::close);
            }
        }
    }

    @Test
    void anAllocationBeyondTheDeviceLimitNamesBothSizes() {
        OpenClTestSupport.requireDevice();
        try (ClDevice d = ClDevice.open(ClDevice.select("opencl"))) {
            long tooMuch = d.info().maxAllocBytes() + 1;
            DeviceException e = assertThrows(DeviceException.class, () -> d.allocate(tooMuch));
            assertTrue(e.getMessage().contains(Long.toString(tooMuch))
                    && e.getMessage().contains(Long.toString(d.info().maxAllocBytes())), e.getMessage());
        }
    }
}
