package dev.clnn.backend.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The profiling decorator on the CPU reference: op calls, work and wall time, and nothing else changes. */
class ProfiledBackendTest {

    @Test
    void cpuOpsAreCountedWithTheirCallsWorkAndPositiveWallTimeWithinTheElapsedTime() {
        SplittableRandom r = new SplittableRandom(11);
        int m = 33;
        int n = 17;
        int k = 129;
        try (ProfiledBackend b = ProfiledBackend.wrap(new CpuBackend());
                Tensor a = b.fromArray(SeededData.uniform(r, m * k, -1, 1), m, k);
                Tensor x = b.fromArray(SeededData.uniform(r, k * n, -1, 1), k, n);
                Tensor c = b.empty(DType.F32, m, n);
                Tensor y = b.empty(DType.F32, m, n)) {
            long start = System.nanoTime();
            b.gemm(c, a, x, false, false, m, n, k, 1f, 0f);
            b.gemm(c, a, x, false, false, m, n, k, 1f, 1f);
            b.reluForward(y, c, m * n);
            long elapsed = System.nanoTime() - start;
            Profile p = b.takeProfile();

            assertEquals(List.of("gemm", "reluForward"), p.ops().stream().map(OpProfile::op).sorted().toList());
            OpProfile gemm = p.op("gemm").orElseThrow();
            assertEquals(2, gemm.calls());
            assertEquals(2 * 2L * m * n * k, gemm.work());
            assertEquals(WorkUnit.FLOP, gemm.unit());
            OpProfile relu = p.op("reluForward").orElseThrow();
            assertEquals(1, relu.calls());
            assertEquals(2 * 4L * m * n, relu.work(), "x read and y written once");
            assertEquals(WorkUnit.BYTE, relu.unit());
            for (OpProfile o : p.ops()) {
                assertTrue(o.nanos() > 0, o.toString());
                assertTrue(o.kernels().isEmpty(), "the CPU reference launches no kernels: " + o);
            }
            assertTrue(p.nanos() <= elapsed, p.nanos() + " ns of ops in " + elapsed + " ns");
        }
    }

    @Test
    void storageCallsAreNotOpsAndTakingAProfileStartsAfresh() {
        try (ProfiledBackend b = ProfiledBackend.wrap(new CpuBackend());
                Tensor t = b.fromArray(new float[] {1, -2, 3}, 3)) {
            b.write(t, new float[] {4, 5, 6});
            b.readFloats(t);
            b.synchronize();
            assertTrue(b.takeProfile().ops().isEmpty());
            b.fill(t, 0f);
            assertEquals(1, b.takeProfile().op("fill").orElseThrow().calls());
            assertTrue(b.takeProfile().ops().isEmpty(), "the second take has nothing new");
        }
    }

    @Test
    void resultsAreTheWrappedBackendsAndWrappingTwiceWrapsOnce() {
        SplittableRandom r = new SplittableRandom(12);
        float[] a = SeededData.uniform(r, 3 * 5, -1, 1);
        float[] x = SeededData.uniform(r, 5 * 2, -1, 1);
        CpuBackend plain = new CpuBackend();
        try (ProfiledBackend b = ProfiledBackend.wrap(new CpuBackend());
                Tensor pa = b.fromArray(a, 3, 5); Tensor px = b.fromArray(x, 5, 2);
                Tensor pc = b.empty(DType.F32, 3, 2);
                Tensor ca = plain.fromArray(a, 3, 5); Tensor cx = plain.fromArray(x, 5, 2);
                Tensor cc = plain.empty(DType.F32, 3, 2)) {
            b.gemm(pc, pa, px, false, false, 3, 2, 5, 1f, 0f);
            plain.gemm(cc, ca, cx, false, false, 3, 2, 5, 1f, 0f);
            assertArrayEquals(plain.readFloats(cc), b.readFloats(pc));
            assertSame(b, ProfiledBackend.wrap(b));
            assertEquals(plain.name(), b.name());
        }
    }

    @Test
    void openProfiledOnTheCpuSelectorGivesAProfiledReference() {
        try (ProfiledBackend b = ProfiledBackend.open("cpu")) {
            assertTrue(b.inner() instanceof CpuBackend, b.inner().toString());
        }
    }
}
