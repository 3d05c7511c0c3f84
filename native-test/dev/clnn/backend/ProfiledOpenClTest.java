package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.profile.OpProfile;
import dev.clnn.backend.profile.Profile;
import dev.clnn.backend.profile.ProfiledBackend;
import dev.clnn.check.SeededData;
import dev.clnn.device.ClDevice;
import dev.clnn.device.KernelTime;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.ModelStep;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Profiling on OpenCL: a profiled training step reports every op the CPU reference runs for the same step, each
 * timed by its kernels' events within the steps' wall time; a device opened without profiling has no profiling
 * queue and creates no events.
 */
@Tag("opencl")
class ProfiledOpenClTest {
    /** Convolution, both poolings, ReLU, a linear layer and softmax cross-entropy on 1×12×12 inputs. */
    private static final ModelSpec MODEL = ModelSpec.parse(
            "conv(1,4,3,1,1),relu,maxpool(2,2,0),conv(4,4,3,1,1),relu,avgpool(2,2,0),flatten,linear(36,10)");
    private static final int BATCH = 8;
    private static final int STEPS = 3;


    /** One warm-up step, then {@link #STEPS} profiled ones; returns their profile and sets {@code wall[0]}. */
    private static Profile profileSteps(ProfiledBackend b, long[] wall) {
        SplittableRandom r = new SplittableRandom(21);
        int[] shape = Models.batchShape(BATCH, new int[] {1, 12, 12});
        try (ModelStep train = ModelStep.open(b, Models.build(b, MODEL, 1), SoftmaxCrossEntropy::new,
                Sgd.factory(0.9f, 0f, 0f, false), LrSchedule.constant(0.01));
                Tensor x = b.fromArray(SeededData.uniform(r, BATCH * 144, -1, 1), shape);
                Tensor y = b.fromArray(SeededData.labels(r, BATCH, 10), BATCH)) {
            Runnable step = () -> {
                train.step(x, y);
            };
            step.run();
            b.takeProfile();
            long start = System.nanoTime();
            for (int s = 0; s < STEPS; s++) {
                step.run();
            }
            b.synchronize();
            wall[0] = System.nanoTime() - start;
            return b.takeProfile();
        }
    }

    private static Map<String, Long> calls(Profile p) {
        Map<String, Long> calls = new TreeMap<>();
        p.ops().forEach(o -> calls.put(o.op(), o.calls()));
        return calls;
    }

    @Test
    void aProfiledTrainingStepReportsEveryOpThatRanWithPositiveTimesWithinTheWallTime() {
        OpenClTestSupport.requireDevice();
        long[] wall = new long[1];
        Profile reference;
        try (ProfiledBackend cpu = ProfiledBackend.wrap(new CpuBackend())) {
            reference = profileSteps(cpu, wall);
        }
        try (ProfiledBackend cl = ProfiledBackend.open(OpenClTestSupport.selector())) {
            ClDevice device = ((OpenClBackend) cl.inner()).device();
            Profile p = profileSteps(cl, wall);
            assertEquals(calls(reference), calls(p), "ops and their calls, OpenCL against the CPU reference");
            for (OpProfile o : p.ops()) {
                assertTrue(o.nanos() > 0, "no time for " + o);
                assertFalse(o.kernels().isEmpty(), "no kernel for " + o);
                assertEquals(o.nanos(), o.kernels().stream().mapToLong(KernelTime::nanos).sum(), o.toString());
                for (KernelTime k : o.kernels()) {
                    assertTrue(k.calls() > 0 && k.nanos() > 0, k.toString());
                }
                assertEquals(reference.op(o.op()).orElseThrow().work(), o.work(), "work of " + o.op());
            }
            assertTrue(p.nanos() > 0 && p.nanos() <= wall[0], p.nanos() + " ns of kernels in " + wall[0]
                    + " ns of steps");
            assertTrue(p.op("gemm").orElseThrow().kernels().size() > 1, "gemm's kernels: " + p.op("gemm"));
            assertEquals(0, device.pendingEvents(), "every event read and released");
        }
    }

    @Test
    void aProfiledDeviceHasAProfilingQueueAndCountsItsEvents() {
        OpenClTestSupport.requireDevice();
        try (ProfiledBackend cl = ProfiledBackend.open(OpenClTestSupport.selector());
                Tensor t = cl.empty(DType.F32, 100)) {
            ClDevice device = ((OpenClBackend) cl.inner()).device();
            assertTrue(device.profiling());
            assertTrue(device.queueProfilingEnabled());
            cl.fill(t, 1f);
            cl.copy(t, t);
            assertEquals(2, device.eventsCreated());
            assertEquals(2, cl.takeProfile().ops().stream().mapToLong(OpProfile::calls).sum());
            assertEquals(0, device.pendingEvents());
        }
    }

    @Test
    void anUnprofiledDeviceHasNoProfilingQueueAndCreatesNoEvents() {
        OpenClBackend cl = OpenClTestSupport.backend();
        ClDevice device = cl.device();
        try (Tensor x = cl.fromArray(new float[] {1, -2, 3}, 3); Tensor y = cl.empty(DType.F32, 3)) {
            cl.reluForward(y, x, 3);
            cl.readFloats(y);
        }
        assertFalse(device.profiling());
        assertFalse(device.queueProfilingEnabled(), "the queue of an unprofiled device has no profiling property");
        assertEquals(0, device.eventsCreated());
        assertThrows(IllegalStateException.class, device::takeKernelTimes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProfiledBackend.wrap(cl));
        assertTrue(e.getMessage().contains("openProfiled"), e.getMessage());
    }
}
