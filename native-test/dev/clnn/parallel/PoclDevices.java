package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The POCL devices the two-device tests run on, which the {@code multi-device-test} execution makes two of. */
final class PoclDevices {
    private PoclDevices() {
    }

    /**
     * The selectors of POCL's devices, at least two. Skips where POCL is not installed (or, under {@code CI=true},
     * fails where there is no OpenCL at all); fails where POCL lists fewer than two, since the execution that runs
     * these tests asks it for two.
     */
    static List<String> selectors() {
        OpenClTestSupport.requireDevice();
        List<DeviceInfo> pocl = ClDevice.list().stream()
                .filter(d -> d.platformName().equals("Portable Computing Language")).toList();
        Assumptions.assumeTrue(!pocl.isEmpty(), "POCL is not installed; these tests need its POCL_DEVICES");
        assertTrue(pocl.size() >= 2, "POCL_DEVICES=\"" + System.getenv("POCL_DEVICES") + "\" lists " + pocl.size()
                + " POCL device(s); the multi-device-test execution sets \"pthread pthread\" for two");
        return pocl.stream().map(DeviceInfo::selector).toList();
    }
}
