package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command line's wording for a device that does not exist where OpenCL devices do (MainTest checks, in both
 * worlds, only that the selector is named): what exists is listed, so the user can pick.
 */
class DeviceSelectionErrorsTest {
    @BeforeEach
    void needsAnOpenClDevice() {
        OpenClTestSupport.requireDevice();
    }

    @Test
    void aNameThatMatchesNoDeviceListsTheDevices() {
        CliRun r = CliRun.of("train", "--device", "nosuchgpu", "--epochs", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("clnn: no device matches \"nosuchgpu\"; available: cpu, "), r.err());
        assertTrue(r.err().contains("opencl:0:0"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void aPlatformAndDeviceNumberThatDoesNotExistListsTheDevices() {
        CliRun r = CliRun.of("train", "--device", "opencl:7:7", "--epochs", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("clnn: no OpenCL device \"opencl:7:7\"; available: "), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void versionListsEachDeviceWithItsPlatform() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\nOpenCL platform 0 "), r.out());
        assertTrue(r.out().contains(": opencl:0:0 "), r.out());
    }
}
