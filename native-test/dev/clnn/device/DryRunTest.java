package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clnn.backend.OpenClBackend;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A dry-run device ({@link ClDevice#openDryRun}) records launches and runs them only when asked, on zeroed buffers. */
@Tag("opencl")
class DryRunTest {
    @Test
    void launchesRunOnlyWhenReplayedAndOnZeroFilledBuffers() {
        try (OpenClBackend dry = OpenClBackend.openDryRun(OpenClTestSupport.deviceInfo(), Set.of());
                Tensor x = dry.fromArray(new float[] {1, -2, 3}, 3);
                Tensor y = dry.fromArray(new float[] {7, 7, 7}, 3)) {
            dry.reluForward(y, x, 3);
            assertArrayEquals(new float[] {7, 7, 7}, dry.readFloats(y), "a recorded launch must not run");
            dry.device().runRecordedLaunchesReversed();
            // Zero-filled before the replay: relu(0) = 0 everywhere, whatever x held.
            assertArrayEquals(new float[] {0, 0, 0}, dry.readFloats(y));
        }
    }

    @Test
    void anOrdinaryDeviceRefusesToReplay() {
        try (ClDevice device = ClDevice.open(OpenClTestSupport.deviceInfo())) {
            assertThrows(IllegalStateException.class, device::runRecordedLaunchesReversed);
        }
    }
}
