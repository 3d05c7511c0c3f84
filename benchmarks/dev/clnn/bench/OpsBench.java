package dev.clnn.bench;

import static dev.clnn.check.SeededData.uniform;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.DType;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.ParityComparison;
import dev.clnn.check.Tolerances;
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
 * Memory-bound ops over 16 M floats (GB/s = bytes moved / time): copy (the yardstick), ReLU forward, the SGD update
 * with momentum (5 arrays moved), max pooling 2×2 over (1024, 16, 32, 32) and softmax-CE forward over (1 M, 10). Each op's result is checked
 * against the CPU reference in {@code @Setup} on a small case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OpsBench {
    private static final int COUNT = 1 << 24;
    private static final int ROWS = COUNT / 16;

    @Param({"opencl", "cpu"})
    public String backend;

    private Backend be;
    private Tensor x;
    private Tensor y;
    private Tensor grad;
    private Tensor momentum;
    private Tensor argmax;
    private Tensor labels;
    private Tensor loss;
    private Tensor pooled;
    private Tensor logits;
    private Tensor probs;
    private Pool2d pool;
    private final SgdHyper hyper = new SgdHyper(1e-6f, 0.9f, 0f, 0f, false);

    @Setup(Level.Trial)
    public void setUp() {
        be = Backends.open(backend);
        SplittableRandom random = new SplittableRandom(2);
        x = be.fromArray(uniform(random, COUNT), COUNT);
        y = be.empty(DType.F32, COUNT);
        grad = be.fromArray(uniform(random, COUNT), COUNT);
        momentum = be.fromArray(uniform(random, COUNT), COUNT);
        pool = Pool2d.square(1024, 16, 32, 32, 2, 2, 0); // 16 M inputs
        argmax = be.empty(DType.I32, pool.outputSize());
        pooled = be.empty(DType.F32, pool.outputSize());
        logits = be.fromArray(uniform(random, ROWS * 10), ROWS, 10);
        probs = be.empty(DType.F32, ROWS, 10);
        labels = be.fromArray(new int[ROWS], ROWS);
        loss = be.empty(DType.F32);
        checkRelu(random);
    }

    private void checkRelu(SplittableRandom random) {
        float[] small = uniform(random, 1000);
        CpuBackend cpu = new CpuBackend();
        try (Tensor in = be.fromArray(small, 1000); Tensor out = be.empty(DType.F32, 1000)) {
            be.reluForward(out, in, 1000);
            Tensor ref = cpu.empty(DType.F32, 1000);
            cpu.reluForward(ref, cpu.fromArray(small, 1000), 1000);
            ParityComparison.of("relu on " + be.name(), be.readFloats(out), cpu.readFloats(ref), Tolerances.EXACT)
                    .requirePassed();
        }
    }

    @Benchmark
    public void copy() {
        be.copy(y, x);
        be.synchronize();
    }

    @Benchmark
    public void reluForward() {
        be.reluForward(y, x, COUNT);
        be.synchronize();
    }

    @Benchmark
    public void sgdUpdate() {
        be.sgdUpdate(x, momentum, grad, COUNT, hyper, false);
        be.synchronize();
    }

    @Benchmark
    public void maxPoolForward() {
        be.maxPoolForward(pooled, argmax, x, pool);
        be.synchronize();
    }

    @Benchmark
    public void softmaxXentForward() {
        be.softmaxXentForward(loss, probs, null, logits, labels, ROWS, 10);
        be.readFloats(loss);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, y, grad, momentum, argmax, pooled, logits, probs, labels, loss}) {
            t.close();
        }
        be.close();
    }
}
