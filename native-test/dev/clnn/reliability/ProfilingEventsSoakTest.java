package dev.clnn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.device.ClDevice;
import dev.clnn.device.KernelTime;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.ModelStep;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 3,000 small training steps on a profiled device whose times are read only at the end: the events waiting to be
 * read never exceed {@link ClDevice#MAX_PENDING_EVENTS}, reading accounts for every event created (none lost, none
 * read twice) and leaves none behind, and the device's buffers return to zero as in {@link SoakTest}.
 */
@Tag("opencl")
class ProfilingEventsSoakTest {
    private static final int STEPS = 3_000;

    @Test
    void profilingEventsStayBoundedAndEveryOneIsReadOnceAndReleased() {
        OpenClTestSupport.requireDevice();
        try (OpenClBackend cl = OpenClBackend.openProfiled(OpenClTestSupport.selector())) {
            ClDevice device = cl.device();
            try (ModelStep train = ModelStep.open(cl,
                    Models.build(cl, ModelSpec.parse("linear(12,16),relu,linear(16,4)"), 1), SoftmaxCrossEntropy::new,
                    Sgd.factory(0.9f, 0f, 1e-4f, true), LrSchedule.constant(0.01));
                    Tensor xt = cl.fromArray(new float[8 * 12], 8, 12);
                    Tensor yt = cl.fromArray(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, 8)) {
                long maxPending = 0;
                for (int step = 1; step <= STEPS; step++) {
                    train.step(xt, yt);
                    maxPending = Math.max(maxPending, device.pendingEvents());
                }
                assertTrue(maxPending <= ClDevice.MAX_PENDING_EVENTS, "pending events reached " + maxPending);
                long created = device.eventsCreated();
                assertTrue(created > 2L * ClDevice.MAX_PENDING_EVENTS, "only " + created + " events: the bound"
                        + " was never reached");
                assertEquals(created, launches(device.takeKernelTimes()), "launches timed against events created");
                assertEquals(0, device.pendingEvents());

                train.step(xt, yt);
                assertEquals(device.eventsCreated() - created, launches(device.takeKernelTimes()),
                        "a second read has only the events created since the first");
                assertEquals(0, device.pendingEvents());
            }
            assertEquals(0, device.liveBuffers(), "live buffers after closing the model");
        }
    }

    private static long launches(List<KernelTime> times) {
        return times.stream().mapToLong(KernelTime::calls).sum();
    }
}
