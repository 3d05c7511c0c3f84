package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code opencl:…} selectors, on a made-up machine with POCL (two devices) and rusticl behind it. */
class DeviceSelectorTest {
    private static final List<DeviceInfo> MACHINE = List.of(
            device(0, 0, "Portable Computing Language", "pthread-a"),
            device(0, 1, "Portable Computing Language", "pthread-b"),
            device(1, 0, "rusticl", "llvmpipe (LLVM 15.0.6, 256 bits)"));

    private static DeviceInfo device(int p, int d, String platform, String name) {
        return new DeviceInfo(p, d, platform, "OpenCL 3.0", name, "vendor", "1.0", "OpenCL 3.0", false, 2, 1L << 30,
                1L << 28, 32 << 10, 1024, false, false, 1);
    }

    @Test
    void aPlatformNameSelectsItsFirstDeviceOrTheNumberedOne() {
        assertEquals(MACHINE.get(2), ClPlatforms.byPlatform(MACHINE, "opencl:rusticl"));
        assertEquals(MACHINE.get(2), ClPlatforms.byPlatform(MACHINE, "opencl:rusticl:0"));
        assertEquals(MACHINE.get(0), ClPlatforms.byPlatform(MACHINE, "opencl:portable"));
        assertEquals(MACHINE.get(1), ClPlatforms.byPlatform(MACHINE, "opencl:computing:1"));
    }

    @Test
    void positionsStillSelectByNumber() {
        assertEquals(MACHINE.get(1), ClPlatforms.byPlatform(MACHINE, "opencl:0:1"));
        assertEquals(MACHINE.get(2), ClPlatforms.byPlatform(MACHINE, "opencl:1:0"));
    }

    @Test
    void whatNamesNoListedDeviceSelectsNothing() {
        assertNull(ClPlatforms.byPlatform(MACHINE, "opencl:rusticl:1"), "rusticl has one device");
        assertNull(ClPlatforms.byPlatform(MACHINE, "opencl:clover"), "no such platform among the listed");
        assertNull(ClPlatforms.byPlatform(MACHINE, "opencl:0"), "a position needs its device");
        assertNull(ClPlatforms.byPlatform(MACHINE, "opencl:"));
        assertNull(ClPlatforms.byPlatform(MACHINE, "opencl:rusticl:x"));
        assertNull(ClPlatforms.byPlatform(MACHINE, "opencl:99999999999:0"), "too large for an index");
        assertNull(ClPlatforms.byPlatform(MACHINE, "opencl:0:0:0"));
    }

    @Test
    void anEmptyPlatformIsExplainedInWordsAUserCanActOn() {
        String rusticl = PlatformHints.whyEmpty(1, "rusticl");
        assertTrue(rusticl.startsWith("platform opencl:1 (rusticl) lists no device: ")
                && rusticl.contains("RUSTICL_ENABLE=llvmpipe"), rusticl);
        assertTrue(PlatformHints.whyEmpty(2, "Clover").contains("AMD GPUs"));
        assertTrue(PlatformHints.whyEmpty(0, "Portable Computing Language").contains("POCL_DEVICES"));
        assertTrue(PlatformHints.whyEmpty(3, "Vendor X").contains("no hardware it supports"));
    }
}
