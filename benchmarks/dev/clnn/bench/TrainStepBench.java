package dev.clnn.bench;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.Tensor;
import dev.clnn.check.SeededData;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.ModelStep;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step ({@link ModelStep}: forward, softmax-CE, backward, SGD 0.01, loss read back) on random data: samples/s =
 * batch / time. W2 is the MLP 784→1024→1024→10 at batch 256, W3 the {@code cnn} model at batch 64. {@code @Setup}
 * checks that a few steps on one batch lower the loss.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainStepBench {
    @Param({"w2", "w3"})
    public String workload;

    @Param({"opencl", "cpu"})
    public String backend;

    private Backend be;
    private ModelStep train;
    private Tensor x;
    private Tensor y;

    @Setup(Level.Trial)
    public void setUp() {
        boolean mlp = workload.equals("w2");
        int batch = mlp ? 256 : 64;
        ModelSpec spec = ModelSpec.parse(mlp ? "linear(784,1024),relu,linear(1024,1024),relu,linear(1024,10)" : "cnn");
        be = Backends.open(backend);
        train = ModelStep.open(be, Models.build(be, spec, 1), SoftmaxCrossEntropy::new, Sgd.factory(0f, 0f, 0f, false),
                LrSchedule.constant(0.01));
        SplittableRandom random = new SplittableRandom(3);
        x = be.fromArray(SeededData.uniform(random, batch * 784), mlp ? new int[] {batch, 784}
                : new int[] {batch, 1, 28, 28});
        y = be.fromArray(SeededData.labels(random, batch, 10), batch);
        float first = step();
        float later = first;
        for (int i = 0; i < 5; i++) {
            later = step();
        }
        if (!(later < first)) {
            throw new IllegalStateException(workload + " on " + be.name() + " does not learn: loss " + first + " -> "
                    + later);
        }
    }

    @Benchmark
    public float step() {
        return train.step(x, y);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        y.close();
        train.close();
        be.close();
    }
}
