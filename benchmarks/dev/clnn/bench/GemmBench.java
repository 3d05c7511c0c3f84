package dev.clnn.bench;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
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
 * fp32 GEMM C (m, n) = op(A) · op(B) on each backend; GFLOP/s = 2mnk / time. {@code shape} is "MxNxK:T"
 * ({@link GemmShape}, no commas: JMH splits parameter values at commas) with T one of NN, NT, TN, TT: the square sizes
 * and the training shapes (256×784·784×1024 and 256×1024·1024×1024, with the transposed forms backward uses). The
 * measured method enqueues and waits for the device; {@code @Setup} checks the product against the CPU reference
 * first, so a wrong kernel is never timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GemmBench {
    @Param({"256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN", "2048x2048x2048:NN", "256x1024x784:NN",
        "256x1024x784:NT", "784x1024x256:TN", "256x1024x1024:NN", "256x1024x1024:NT", "1024x1024x256:TN"})
    public String shape;

    @Param({"opencl", "cpu"})
    public String backend;

    private Backend be;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private int m;
    private int n;
    private int k;
    private boolean transA;
    private boolean transB;

    @Setup(Level.Trial)
    public void setUp() {
        GemmShape p = GemmShape.parse(shape);
        m = p.m();
        n = p.n();
        k = p.k();
        transA = p.transA();
        transB = p.transB();
        be = Backends.open(backend);
        SplittableRandom random = new SplittableRandom(1);
        float[] x = BenchData.uniform(random, m * k);
        float[] y = BenchData.uniform(random, k * n);
        a = be.fromArray(x, transA ? k : m, transA ? m : k);
        b = be.fromArray(y, transB ? n : k, transB ? k : n);
        c = be.empty(DType.F32, m, n);
        be.gemm(c, a, b, transA, transB, m, n, k, 1f, 0f);
        CpuBackend cpu = new CpuBackend();
        Tensor ref = cpu.empty(DType.F32, m, n);
        cpu.gemm(ref, cpu.fromArray(x, x.length), cpu.fromArray(y, y.length), transA, transB, m, n, k, 1f, 0f);
        BenchData.requireClose("gemm " + shape + " on " + be.name(), be.readFloats(c), cpu.readFloats(ref), 1e-5);
    }

    @Benchmark
    public void gemm() {
        be.gemm(c, a, b, transA, transB, m, n, k, 1f, 0f);
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
