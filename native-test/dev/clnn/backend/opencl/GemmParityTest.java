package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.TestArrays;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.tuning.GemmChoices;
import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.backend.opencl.tuning.GpuGemmConfigTest;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.KernelTuningTest;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

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
                    float[] a = SeededData.uniform(random, m * k, -1, 1);
                    float[] b = SeededData.uniform(random, k * n, -1, 1);
                    // beta = 0 must not read C, so C starts poisoned; otherwise both start from the same values.
                    float[] c0 = ab[1] == 0f ? SeededData.nan(m * n) : SeededData.uniform(random, m * n, -1, 1);
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

    /**
     * Every variant under tunables beyond the defaults and the candidates: gemm_gpu with scalar or float8 loads,
     * contiguous fragments, A or B (or neither) through local memory, K steps of 1 or 8, non-square groups, and the
     * fallback shapes of small devices.
     */
    @ParameterizedTest(name = "{0} PACK_TILE={1} {2}")
    @CsvSource({"mwg32 nwg16 kwg8 mdimc8 ndimc4 vwm1 vwn1 kwi1 strm0 strn0 sa0 sb1,8,vw8 rm8 wn2 g4",
        "mwg64 nwg128 kwg8 mdimc8 ndimc16 vwm8 vwn8 kwi8 strm1 strn0 sa1 sb0,4,vw4 rm4 wn1 g1",
        "mwg4 nwg4 kwg4 mdimc1 ndimc1 sa0 sb0,16,vw16 rm1 wn1 g1",
        "mwg16 nwg16 kwg16 mdimc4 ndimc4 kwi4 strm0,16,vw8 rm3 wn3 g8",
        "mwg32 nwg32 kwg1 mdimc8 ndimc8 vwm2 vwn1 kwi1,16,vw8 rm3 wn3 g8"})
    void everyVariantMatchesReferenceWithOtherTunables(String gpuGemm, int packTile, String gemm) {
        OpenClBackend cl = OpenClTestSupport.backend();
        KernelTuning base = cl.tuning();
        KernelTuning tuning = new KernelTuning(base.elementwiseLocal(), base.reduceLocal(), base.biasLocal(),
                GpuGemmConfig.parse(gpuGemm), KernelTuning.Source.FORCED, true,
                GemmChoices.uniform(GemmConfig.parse(gemm), KernelTuning.Source.FORCED), packTile);
        GemmRoutine routine = new GemmRoutine(new KernelLauncher(cl.device(), tuning));
        for (int[] s : new int[][] {{33, 17, 31}, {1, 129, 3}, {17, 40, 300}}) {
            for (int t = 0; t < 4; t++) {
                Case c = new Case(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, t == 3 ? 0f : 2f);
                for (GemmVariant variant : GemmVariant.values()) {
                    c.check(cl, routine, variant, tuning.toString());
                }
            }
        }
    }

    /**
     * Every gemm_gpu configuration a tuner can pick (the candidates of a GPU with 1024 work-items and 64 KiB of
     * local memory, a superset of those of smaller GPUs), forced onto this device whatever its type, with every
     * transposition and beta = 0 on NaN-poisoned C and beta ≠ 0, at sizes 1, primes smaller than one tile and
     * primes past the largest tile (128) with a K past several K steps. One program build per configuration.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gpuCandidates")
    void everyGpuCandidateConfigMatchesReference(GpuGemmConfig config) {
        OpenClBackend cl = OpenClTestSupport.backend();
        GemmRoutine routine = new GemmRoutine(new KernelLauncher(cl.device(), cl.tuning().withGpuGemm(config)));
        for (Case c : GPU_CANDIDATE_CASES) {
            c.check(cl, routine, GemmVariant.GPU, config.toString());
        }
    }

    static Stream<GpuGemmConfig> gpuCandidates() {
        return GpuGemmConfig.candidates(GpuGemmConfigTest.gpu(1024, 64 << 10)).stream();
    }

    private static final List<Case> GPU_CANDIDATE_CASES = cases(new int[][] {{1, 1, 1}, {37, 67, 13},
        {131, 139, 97}});

    /**
     * A tuning with a different configuration per class of shape (as a tuner may store) runs each product with its
     * class's configuration: shapes of every class, every transposition, both with beta 0 on NaN and beta 2.
     */
    @Test
    void eachClassOfShapeRunsWithItsOwnConfig() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int w = GemmConfig.nativeWidth(cl.device().info());
        Map<String, String> stored = Map.of(KernelTuning.storeName(GemmClass.SMALL), "vw" + w + " rm3 wn3 g4",
                KernelTuning.storeName(GemmClass.LARGE), "vw" + w + " rm8 wn1 g16",
                KernelTuning.storeName(GemmClass.LONG_K), "vw" + w + " rm2 wn4 g8");
        KernelTuning tuning = KernelTuning.forDevice(cl.device().info(), null, stored);
        assertEquals(3, tuning.gemm().distinct().size(), tuning.gemm().toString());
        GemmRoutine routine = new GemmRoutine(new KernelLauncher(cl.device(), tuning));
        // small (17 x 19 x 23), large (131 x 257 x 1031: 2^25 multiply-adds and more), long-k (5 x 7 x 300)
        int[][] shapes = {{17, 19, 23}, {131, 257, 1031}, {5, 7, 300}};
        GemmClass[] classes = {GemmClass.SMALL, GemmClass.LARGE, GemmClass.LONG_K};
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            assertEquals(classes[i], GemmClass.of(s[0], s[1], s[2]));
            for (int t = 0; t < 4; t++) {
                Case c = new Case(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, t == 3 ? 0f : 2f);
                c.check(cl, routine, GemmRoutine.variant(tuning, s[0], s[1], s[2]), tuning.gemm().toString());
            }
        }
    }

    /**
     * Every configuration a tuner can pick on any CPU device (the candidates of every vector width, 1, 2, 4, 8, 16),
     * in every group size, both blocked variants, every transposition, with beta = 0 on NaN-poisoned C and beta ≠ 0:
     * sizes of 1, primes, sizes past the largest register block (16 rows, 64 columns), and one larger case with a
     * K long enough to split.
     */
    @Tag("candidate-sweep") // one build per kernel shape: left out on slower second implementations (pom.xml)
    @ParameterizedTest(name = "{0}")
    @MethodSource("candidateKernels")
    void everyCandidateConfigMatchesReference(String kernelShape, List<GemmConfig> configs) {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (GemmConfig config : configs) {
            GemmRoutine routine = new GemmRoutine(new KernelLauncher(cl.device(), cl.tuning().withGemm(config)));
            for (Case c : CANDIDATE_CASES) {
                c.check(cl, routine, GemmVariant.BLOCKED, config.toString());
                // Split-K ignores the group size, so once per kernel shape is enough.
                if (config == configs.get(0)) {
                    c.check(cl, routine, GemmVariant.BLOCKED_SPLIT_K, config.toString());
                }
            }
        }
    }

    /** The candidates of every vector width, grouped by kernel shape (one program build each). */
    static Stream<Arguments> candidateKernels() {
        Map<String, List<GemmConfig>> byShape = new LinkedHashMap<>();
        for (int width : GemmConfig.WIDTHS) {
            for (GemmConfig c : GemmConfig.candidates(width)) {
                List<GemmConfig> group = byShape.computeIfAbsent(
                        "vw" + c.vectorWidth() + " rm" + c.rows() + " wn" + c.vectors(), key -> new ArrayList<>());
                if (!group.contains(c)) {
                    group.add(c);
                }
            }
        }
        return byShape.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    private static final List<Case> CANDIDATE_CASES = cases(new int[][] {{1, 1, 1}, {37, 67, 13}, {67, 131, 300}});

    /** Every transposition with beta = 0 and beta = -1.5 at each (m, n, k). */
    private static List<Case> cases(int[][] sizes) {
        List<Case> cases = new ArrayList<>();
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                for (float beta : new float[] {0f, -1.5f}) {
                    cases.add(new Case(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, beta));
                }
            }
        }
        return cases;
    }

    /** One product with seeded operands and its reference result, computed once and checked against many kernels. */
    private static final class Case {
        final int m;
        final int n;
        final int k;
        final boolean ta;
        final boolean tb;
        final float[] ab;
        final long seed;
        final float[] a;
        final float[] b;
        final float[] c0;
        final float[] expected;

        Case(int m, int n, int k, boolean ta, boolean tb, float beta) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.ta = ta;
            this.tb = tb;
            this.ab = new float[] {0.5f, beta};
            this.seed = 41L * m + 5L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0) + (beta == 0f ? 0 : 4);
            SplittableRandom random = new SplittableRandom(seed);
            a = SeededData.uniform(random, m * k, -1, 1);
            b = SeededData.uniform(random, k * n, -1, 1);
            // beta = 0 must not read C, so C starts poisoned; otherwise both start from the same values.
            c0 = beta == 0f ? SeededData.nan(m * n) : SeededData.uniform(random, m * n, -1, 1);
            expected = run(new CpuBackend(), null, a, b, c0, ta, tb, m, n, k, ab);
        }

        void check(OpenClBackend cl, GemmRoutine routine, GemmVariant variant, String config) {
            try (Tensor ca = cl.fromArray(a, a.length); Tensor cb = cl.fromArray(b, b.length);
                    Tensor cc = cl.fromArray(c0, c0.length)) {
                routine.gemm(((ClTensor) cc).buffer, ((ClTensor) ca).buffer, ((ClTensor) cb).buffer, ta, tb, m, n, k,
                        ab[0], ab[1], variant);
                TestArrays.assertClose("gemm " + variant + " " + config + " m=" + m + " n=" + n + " k=" + k + " ta="
                        + ta + " tb=" + tb + " beta=" + ab[1] + " seed=" + seed, cl.readFloats(cc), expected,
                        Tolerances.GEMM);
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
