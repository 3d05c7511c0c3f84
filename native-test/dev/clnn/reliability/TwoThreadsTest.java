package dev.clnn.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import dev.clnn.check.SeededData;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.ModelStep;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two models training at once on two threads of one OpenCL backend end exactly as when trained one after the other. */
@Tag("opencl")
class TwoThreadsTest {
    private static final int STEPS = 200;

    @Test
    void concurrentTrainingMatchesSequentialTrainingBitForBit() throws Exception {
        Backend cl = OpenClTestSupport.backend();
        List<float[]> sequential = new ArrayList<>();
        sequential.addAll(train(cl, 1));
        sequential.addAll(train(cl, 2));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<float[]>> a = pool.submit(() -> train(cl, 1));
            Future<List<float[]>> b = pool.submit(() -> train(cl, 2));
            List<float[]> concurrent = new ArrayList<>(a.get());
            concurrent.addAll(b.get());
            for (int i = 0; i < sequential.size(); i++) {
                assertArrayEquals(sequential.get(i), concurrent.get(i), "parameter " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A small CNN trained for a few hundred steps on seeded data; returns its parameters. */
    private static List<float[]> train(Backend be, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = SeededData.uniform(random, 16 * 1 * 8 * 8);
        int[] y = SeededData.labels(random, 16, 5);
        ModelSpec spec = ModelSpec.parse("conv(1,4,3,1,1),relu,maxpool(2),flatten,linear(64,5)");
        try (ModelStep train = ModelStep.open(be, Models.build(be, spec, seed), SoftmaxCrossEntropy::new,
                Sgd.factory(0.9f, 0f, 0f, false), LrSchedule.constant(0.05));
                Tensor xt = be.fromArray(x, 16, 1, 8, 8);
                Tensor yt = be.fromArray(y, 16)) {
            for (int step = 0; step < STEPS; step++) {
                train.step(xt, yt);
            }
            List<float[]> params = new ArrayList<>();
            for (Param p : train.model().params()) {
                params.add(be.readFloats(p.value()));
            }
            return params;
        }
    }
}
