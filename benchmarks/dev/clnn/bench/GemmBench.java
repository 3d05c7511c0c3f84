package dev.clnn.bench;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.CpuBackend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
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
 * Square fp32 GEMM C = A·B (n×n) on each backend; GFLOP/s = 2n³ / time. The measured method enqueues and waits for
 * the device. {@code @Setup} checks the product against the CPU reference first: a wrong kernel is not timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GemmBench {
    @Param({"256", "512", "1024"})
    public int n;

    @Param({"opencl", "cpu"})
    public String backend;

    private Backend be;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        be = Backends.open(backend);
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[n * n];
        float[] y = new float[n * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
            y[i] = (float) random.nextDouble(-1, 1);
        }
        a = be.fromArray(x, n, n);
        b = be.fromArray(y, n, n);
        c = be.empty(DType.F32, n, n);
        be.gemm(c, a, b, false, false, n, n, n, 1f, 0f);
        verify(be.readFloats(c), x, y);
    }

    private void verify(float[] actual, float[] x, float[] y) {
        CpuBackend cpu = new CpuBackend();
        Tensor ref = cpu.empty(DType.F32, n, n);
        cpu.gemm(ref, cpu.fromArray(x, n, n), cpu.fromArray(y, n, n), false, false, n, n, n, 1f, 0f);
        float[] expected = cpu.readFloats(ref);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (actual[i] - expected[i]) * (double) (actual[i] - expected[i]);
            norm += expected[i] * (double) expected[i];
        }
        double rel = Math.sqrt(diff / norm);
        if (!(rel <= 1e-5)) {
            throw new IllegalStateException("gemm on " + be.name() + " is wrong: relative error " + rel);
        }
    }

    @Benchmark
    public void gemm() {
        be.gemm(c, a, b, false, false, n, n, n, 1f, 0f);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
        be.close();
    }
}
