package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.fixtures.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("opencl")
class ClPlatformsTest {
    @TempDir
    Path work;

    /**
     * Every installed platform answers the device query, also one that checks the device-type mask against the
     * specification's 32 bits (Mesa's rusticl, with or without RUSTICL_ENABLE; Clover without an AMD GPU lists none).
     */
    @Test
    void everyInstalledPlatformListsItsDevices() {
        OpenClTestSupport.requireDevice();
        assertEquals(List.of(), ClDevice.problems(), "platforms that could not be examined");
    }

    @Test
    void theDeviceTypeMaskHasTheSpecificationsBitsOnly() {
        assertEquals(0xFFFFFFFFL, ClPlatforms.ALL_DEVICE_TYPES);
        assertNotEquals(org.jocl.CL.CL_DEVICE_TYPE_ALL, ClPlatforms.ALL_DEVICE_TYPES,
                "JOCL's constant has all 64 bits set, which rusticl rejects");
    }

    @Test
    void aFailingPlatformIsRecordedAndTheNextOneIsStillExamined() {
        List<Integer> examined = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ClPlatforms.eachOnItsOwn(3, p -> {
            if (p == 1) {
                throw new DeviceException("listing devices on OpenCL platform 1 (Broken) failed: "
                        + "CL_OUT_OF_HOST_MEMORY");
            }
            examined.add(p);
        }, problems);
        assertEquals(List.of(0, 2), examined);
        assertEquals(List.of("listing devices on OpenCL platform 1 (Broken) failed: CL_OUT_OF_HOST_MEMORY"), problems);
    }

    @Test
    void withNoDriverRegisteredNothingIsInstalledAndNothingFailed() throws IOException, InterruptedException {
        OpenClTestSupport.requireDevice(); // the ICD loader must exist for this to be about drivers
        Path noVendors = Files.createDirectories(work.resolve("vendors"));
        ChildJvm.Result result = new ChildJvm(DeviceWorkloads.class).environment("OCL_ICD_VENDORS", noVendors.toString())
                .run(work, "select", "opencl");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.stdout().contains("problems: []"), result.output());
        assertTrue(result.stdout().contains("not selected: device \"opencl\" was requested but no OpenCL platform or "
                + "device is installed"), result.output());
    }

    @Test
    void openingADeviceThatIsNotListedIsAnErrorNamingIt() {
        OpenClTestSupport.requireDevice();
        DeviceInfo listed = ClDevice.list().get(0);
        DeviceInfo elsewhere = new DeviceInfo(9, 9, listed.platformName(), listed.platformVersion(), listed.name(), listed.vendor(),
                listed.driverVersion(), listed.deviceVersion(), listed.gpu(), listed.computeUnits(),
                listed.globalMemBytes(), listed.maxAllocBytes(), listed.localMemBytes(), listed.maxWorkGroupSize(),
                listed.fp64(), listed.fp16(), listed.preferredVectorWidthFloat());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClDevice.open(elsewhere));
        assertTrue(e.getMessage().contains("opencl:9:9") && e.getMessage().contains(listed.selector()),
                e.getMessage());
        DeviceInfo renamed = new DeviceInfo(listed.platformIndex(), listed.deviceIndex(), listed.platformName(),
                listed.platformVersion(), "Imaginary GPU", listed.vendor(), listed.driverVersion(), listed.deviceVersion(), listed.gpu(),
                listed.computeUnits(), listed.globalMemBytes(), listed.maxAllocBytes(), listed.localMemBytes(),
                listed.maxWorkGroupSize(), listed.fp64(), listed.fp16(), listed.preferredVectorWidthFloat());
        e = assertThrows(IllegalArgumentException.class, () -> ClDevice.open(renamed));
        assertTrue(e.getMessage().contains("Imaginary GPU"), e.getMessage());
    }
}
