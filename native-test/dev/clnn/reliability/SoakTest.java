package dev.clnn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.device.ClDevice;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.ModelStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 10,000 small training steps on a fresh device: live device memory stays exactly what it was after the first step,
 * the buffer pool's cache stops growing after the second, and closing the model and its tensors leaves no live
 * buffer. The figures (step, live bytes, live buffers, cached bytes) go to target/soak-live-bytes.txt.
 */
@Tag("opencl")
class SoakTest {
    private static final int STEPS = 10_000;

    @Test
    void liveAndPooledDeviceMemoryStayFlatOverTenThousandStepsAndLiveReturnsToZero() throws IOException {
        OpenClTestSupport.requireDevice();
        List<String> report = new ArrayList<>();
        try (OpenClBackend cl = OpenClBackend.open(OpenClTestSupport.selector())) {
            ClDevice device = cl.device();
            assertEquals(0, device.liveBuffers());
            SplittableRandom random = new SplittableRandom(5);
            float[] x = SeededData.uniform(random, 8 * 12);
            long afterFirst = -1;
            long cachedAfterSecond = -1;
            try (ModelStep train = ModelStep.open(cl,
                    Models.build(cl, ModelSpec.parse("linear(12,16),relu,linear(16,4)"), 1), SoftmaxCrossEntropy::new,
                    Sgd.factory(0.9f, 0f, 1e-4f, true), LrSchedule.constant(0.01));
                    Tensor xt = cl.fromArray(x, 8, 12);
                    Tensor yt = cl.fromArray(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, 8)) {
                for (int step = 1; step <= STEPS; step++) {
                    float l = train.step(xt, yt);
                    assertTrue(Float.isFinite(l), "loss " + l + " at step " + step);
                    if (step == 1) {
                        afterFirst = device.liveBytes();
                    }
                    // The pool reuses buffers by exact size and never lets go of them on its own. Step 1 runs
                    // without the tensors an earlier step leaves in place, so step 2 is the first with the
                    // steady-state pattern and may add buffers; from then on every request is served from the
                    // cache, so the cached bytes cannot change. Growth would mean sizes that vary from step to
                    // step, which fills the device until an allocation forces a trim.
                    if (step == 2) {
                        cachedAfterSecond = device.cachedBytes();
                    }
                    if (step <= 2 || step == 10 || step == 100 || step == 1000 || step % 2500 == 0) {
                        report.add(step + "\t" + device.liveBytes() + "\t" + device.liveBuffers() + "\t"
                                + device.cachedBytes());
                        assertEquals(afterFirst, device.liveBytes(), "live bytes at step " + step);
                        if (step >= 2) {
                            assertEquals(cachedAfterSecond, device.cachedBytes(), "pool cached bytes at step " + step);
                        }
                    }
                }
            }
            report.add("closed\t" + device.liveBytes() + "\t" + device.liveBuffers() + "\t" + device.cachedBytes());
            assertEquals(0, device.liveBuffers(), "live buffers after closing the model");
            assertEquals(0, device.liveBytes());
        }
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "soak-live-bytes.txt"), report);
    }
}
