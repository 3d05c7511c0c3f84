package dev.clnn.backend;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("opencl")
class GemmParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "3,5,7", "17,33,13", "1,129,3", "129,1,65", "16,16,16", "33,17,31", "64,10,784", "8,32,1",
            "9,33,17", "256,1024,784", "300,257,520"})
    void gemmMatchesReferenceInEveryTransposeFormWithAlphaAndBeta(int m, int n, int k) {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float[] ab : new float[][] {{1f, 0f}, {0.5f, -1.5f}}) {
                    long seed = 31L * m + 7L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0);
                    SplittableRandom random = new SplittableRandom(seed);
                    float[] a = TestArrays.uniform(random, m * k, -1, 1);
                    float[] b = TestArrays.uniform(random, k * n, -1, 1);
                    // beta = 0 must not read C, so C starts poisoned; otherwise both start from the same values.
                    float[] c0 = ab[1] == 0f ? TestArrays.nan(m * n) : TestArrays.uniform(random, m * n, -1, 1);
                    float[] expected = run(cpu, null, a, b, c0, ta, tb, m, n, k, ab);
                    for (GemmVariant variant : GemmVariant.values()) {
                        float[] actual = run(cl, variant, a, b, c0, ta, tb, m, n, k, ab);
                        TestArrays.assertClose("gemm " + variant + " ta=" + ta + " tb=" + tb + " alpha=" + ab[0]
                                + " beta=" + ab[1] + " seed=" + seed, actual, expected, Tolerances.GEMM);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "TS={0} RM={1} WN={2} PACK_TILE={3}")
    @CsvSource({"8,8,2,8", "4,4,1,4", "16,1,1,16"})
    void everyVariantMatchesReferenceWithOtherTunables(int tile, int rows, int vectors, int packTile) {
        OpenClBackend cl = OpenClTestSupport.backend();
        KernelTuning base = cl.tuning();
        KernelTuning tuning = new KernelTuning(base.elementwiseLocal(), base.reduceLocal(), base.biasLocal(), tile,
                true, rows, vectors, packTile);
        GemmRoutine routine = new GemmRoutine(new KernelLauncher(cl.device(), tuning));
        for (int[] s : new int[][] {{33, 17, 31}, {1, 129, 3}, {17, 40, 300}}) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                long seed = 41L * m + 5L * n + k + t;
                SplittableRandom random = new SplittableRandom(seed);
                float[] a = TestArrays.uniform(random, m * k, -1, 1);
                float[] b = TestArrays.uniform(random, k * n, -1, 1);
                float[] c0 = TestArrays.uniform(random, m * n, -1, 1);
                float[] ab = {0.5f, t == 3 ? 0f : 2f};
                if (ab[1] == 0f) {
                    c0 = TestArrays.nan(m * n);
                }
                float[] expected = run(cpu, null, a, b, c0, ta, tb, m, n, k, ab);
                for (GemmVariant variant : GemmVariant.values()) {
                    if (variant == GemmVariant.TILED && tile * tile > cl.device().info().maxWorkGroupSize()) {
                        continue;
                    }
                    try (Tensor ca = cl.fromArray(a, a.length); Tensor cb = cl.fromArray(b, b.length);
                            Tensor cc = cl.fromArray(c0, c0.length)) {
                        routine.gemm(((ClTensor) cc).buffer, ((ClTensor) ca).buffer, ((ClTensor) cb).buffer, ta, tb,
                                m, n, k, ab[0], ab[1], variant);
                        TestArrays.assertClose("gemm " + variant + " " + tuning + " m=" + m + " n=" + n + " k=" + k
                                + " ta=" + ta + " tb=" + tb + " seed=" + seed, cl.readFloats(cc), expected,
                                Tolerances.GEMM);
                    }
                }
            }
        }
    }

    /** Runs on {@code be}; an OpenCL backend uses the given kernel variant, the CPU reference ignores it. */
    private static float[] run(Backend be, GemmVariant variant, float[] a, float[] b, float[] c0,
            boolean ta, boolean tb, int m, int n, int k, float[] ab) {
        try (Tensor ta2 = be.fromArray(a, ta ? k : m, ta ? m : k); Tensor tb2 = be.fromArray(b, tb ? n : k,
                tb ? k : n); Tensor c = be.fromArray(c0, m, n)) {
            if (be instanceof OpenClBackend cl) {
                cl.gemm(c, ta2, tb2, ta, tb, m, n, k, ab[0], ab[1], variant);
            } else {
                be.gemm(c, ta2, tb2, ta, tb, m, n, k, ab[0], ab[1]);
            }
            return be.readFloats(c);
        }
    }
}
