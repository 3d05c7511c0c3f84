package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.check.ParityCheck;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On every usable device (not only the test device), the tuning clnn chooses fits what the device reports, with
 * either GEMM kernel, and the shipped parity check passes with it: every launch's groups are then accepted.
 */
@Tag("opencl")
class DeviceLimitsNativeTest {
    @Test
    void theChosenTuningFitsEveryDevicesReportedLimits() {
        OpenClTestSupport.requireDevice();
        for (DeviceInfo info : ClDevice.list()) {
            assertTrue(info.maxWorkItemSizes().size() >= 3, info + " " + info.maxWorkItemSizes());
            for (long items : info.maxWorkItemSizes()) {
                assertTrue(items >= 1 && items <= Math.max(info.maxWorkGroupSize(), items), info.toString());
            }
            KernelTuning chosen = KernelTuning.forDevice(info);
            for (KernelTuning t : List.of(chosen, chosen.withBlockedGemm(!chosen.blockedGemm()))) {
                assertEquals(List.of(), t.problems(info), info.toString());
            }
            for (GpuGemmConfig c : GpuGemmConfig.candidates(info)) {
                assertNull(c.problem(info), info + " " + c);
            }
        }
    }

    @Test
    void theParityCheckPassesOnEveryDeviceWithItsChosenTuning() {
        OpenClTestSupport.requireDevice();
        for (DeviceInfo info : ClDevice.list()) {
            try (OpenClBackend backend = new OpenClBackend(ClDevice.open(info))) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                int failed = ParityCheck.run(backend, new PrintStream(bytes, true, StandardCharsets.UTF_8));
                assertEquals(0, failed, info + ":\n" + bytes.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
