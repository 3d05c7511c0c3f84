package dev.clnn.tune;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.ConfiguredGemm;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.check.GemmCheck.Case;
import dev.clnn.check.GemmCheck;
import dev.clnn.check.Tolerances;
import dev.clnn.tune.GemmOperands.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * gemm_blocked on a CPU device: one {@link GemmConfig} per {@link GemmClass}. Each class's workload is the shapes
 * training runs in it (the NN, NT and TN products of the MLP and convolution layers; GemmClass says which products
 * belong where) and, for the first two, a square: 256² for small, 1024² for large.
 */
final class GemmFamily implements TunableFamily<GemmConfig> {

    /** How a product is computed with a configuration; tests put a wrong one here to see it rejected. */
    @FunctionalInterface
    interface Product {
        void gemm(GemmConfig config, Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n,
                int k, float alpha, float beta);
    }

    private static final Map<GemmClass, List<Shape>> WORKLOADS = workloads();

    private final OpenClBackend backend;
    private final List<Integer> widths;
    private final Product product;
    private final KernelTuning defaults;
    private final GemmOperands operands;

    /**
     * @param width the vector width of the candidates (1, 2, 4, 8 or 16), or 0 for all of them
     *              ({@link GemmConfig#WIDTHS}): what a device reports is no guide to the code its driver generates
     */
    GemmFamily(OpenClBackend backend, int width) {
        this(backend, width, byConfiguredGemm(backend));
    }

    GemmFamily(OpenClBackend backend, int width, Product product) {
        this.backend = backend;
        this.widths = width == 0 ? GemmConfig.WIDTHS : List.of(width);
        this.product = product;
        this.defaults = KernelTuning.forDevice(backend.device().info(), null)
                .withGemmDefaults(backend.tuning().gemm().defaultWidth());
        this.operands = new GemmOperands(backend, WORKLOADS.values().stream().flatMap(List::stream).toList());
    }

    private static Product byConfiguredGemm(OpenClBackend backend) {
        Map<GemmConfig, ConfiguredGemm> gemms = new HashMap<>();
        return (config, c, a, b, transA, transB, m, n, k, alpha, beta) -> gemms
                .computeIfAbsent(config, cfg -> new ConfiguredGemm(backend, cfg))
                .gemm(c, a, b, transA, transB, m, n, k, alpha, beta);
    }

    private static Map<GemmClass, List<Shape>> workloads() {
        Map<GemmClass, List<Shape>> w = new EnumMap<>(GemmClass.class);
        w.put(GemmClass.SMALL, List.of(new Shape(256, 256, 256, false, false),
                // mlp at batch 64: forward (x · Wᵀ), input gradient (dy · W), weight gradient (dyᵀ · x)
                new Shape(64, 512, 784, false, true), new Shape(64, 784, 512, false, false),
                new Shape(512, 784, 64, true, false),
                // cnn's second convolution on 16 images: W · columns (32 × 144 · 144 × 16·196)
                new Shape(32, 3136, 144, false, false)));
        w.put(GemmClass.LARGE, List.of(new Shape(1024, 1024, 1024, false, false),
                // W2 (784-1024-1024-10, batch 256): forward, input gradient, weight gradient of the first layer
                new Shape(256, 1024, 784, false, true), new Shape(256, 784, 1024, false, false),
                new Shape(1024, 784, 256, true, false), new Shape(256, 1024, 1024, false, true)));
        // cnn's weight gradients at batch 64: dy (cout, pixels) · columnsᵀ (pixels, patch)
        w.put(GemmClass.LONG_K, List.of(new Shape(16, 9, 64 * 784, false, true),
                new Shape(32, 144, 64 * 196, false, true)));
        for (Map.Entry<GemmClass, List<Shape>> e : w.entrySet()) {
            for (Shape s : e.getValue()) {
                if (GemmClass.of(s.m(), s.n(), s.k()) != e.getKey()) {
                    throw new IllegalStateException(s + " is not of class " + e.getKey());
                }
            }
        }
        return w;
    }

    @Override
    public String name() {
        return KernelTuning.GEMM_FAMILY;
    }

    @Override
    public String describe() {
        int candidates = widths.stream().mapToInt(w -> GemmConfig.candidates(w, backend.device().info()).size()).sum();
        return String.format(Locale.ROOT, "gemm_blocked on %s: vector width%s %s (the device reports %d), %d"
                + " candidates; classes %s", backend.device().info().name(), widths.size() > 1 ? "s" : "",
                widths.stream().map(String::valueOf).collect(Collectors.joining(", ")),
                backend.device().info().preferredVectorWidthFloat(), candidates, classSummary());
    }

    private static String classSummary() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<GemmClass, List<Shape>> e : WORKLOADS.entrySet()) {
            parts.add(e.getKey().word() + " (" + e.getValue().size() + " shapes)");
        }
        return String.join(", ", parts);
    }

    @Override
    public List<String> classes() {
        return WORKLOADS.keySet().stream().map(GemmClass::word).toList();
    }

    @Override
    public GemmConfig defaultFor(String shapeClass) {
        return defaults.gemm().of(shapeClass(shapeClass));
    }

    /**
     * The default shape of each width searched ({@link KernelTuning#defaultGemm}), when more than one is: the tuner
     * measures them first and spends the coarse pass on the widths that did best.
     */
    @Override
    public List<GemmConfig> probes() {
        return widths.size() == 1 ? List.of() : widths.stream()
                .map(w -> KernelTuning.defaultGemm(w, backend.device().info())).toList();
    }

    /** The vector width, e.g. {@code vw8}. */
    @Override
    public String part(GemmConfig config) {
        return "vw" + config.vectorWidth();
    }

    /**
     * Per width: what an earlier tuning chose (if any, of this width), then one work-group size (the default's if it
     * is among the candidates' sizes, else 8) in every block shape, fullest register block first: fuller blocks load
     * fewer operands per multiply-add, so they are the likelier winners when a small budget cuts the pass. The
     * tuner orders the widths by what their probes measured.
     */
    @Override
    public List<GemmConfig> coarse() {
        List<GemmConfig> out = new ArrayList<>();
        int defaultGroup = defaultFor(GemmClass.LARGE.word()).groupRows();
        for (int width : widths) {
            for (GemmClass c : GemmClass.values()) {
                GemmConfig earlier = backend.tuning().gemm().of(c);
                if (backend.tuning().gemm().source(c) == KernelTuning.Source.TUNED && earlier.vectorWidth() == width
                        && !out.contains(earlier)) {
                    out.add(earlier);
                }
            }
            List<GemmConfig> all = GemmConfig.candidates(width, backend.device().info());
            int group = all.stream().anyMatch(c -> c.groupRows() == defaultGroup) ? defaultGroup : 8;
            List<GemmConfig> sweep = new ArrayList<>();
            for (GemmConfig c : all) {
                if (c.groupRows() == group) {
                    sweep.add(c);
                }
            }
            sweep.sort(Comparator.comparingInt(GemmConfig::registers).reversed());
            out.addAll(sweep);
        }
        return out;
    }

    /** The same block in the other work-group sizes of the candidates. */
    @Override
    public List<GemmConfig> refinements(GemmConfig good) {
        return GemmConfig.candidates(good.vectorWidth(), backend.device().info()).stream()
                .filter(c -> c.rows() == good.rows() && c.vectors() == good.vectors()
                        && c.groupRows() != good.groupRows())
                .toList();
    }

    /**
     * Every transposition of a 37 × 61 · 61 × 53 product (prime sizes: partial blocks everywhere) on a NaN-poisoned
     * C, one that accumulates (beta 1), one split along K (5 × 300 · 300 × 7) and a 1 × 1 · 1 × 1.
     */
    @Override
    public double check(GemmConfig config) {
        List<Case> cases = List.of(new Case(37, 53, 61, false, false, 0.5f, 0),
                new Case(37, 53, 61, true, false, 0.5f, 0), new Case(37, 53, 61, false, true, 0.5f, 0),
                new Case(37, 53, 61, true, true, 0.5f, 0), new Case(5, 7, 300, false, true, 0.5f, 1),
                new Case(1, 1, 1, false, false, 0.5f, 0));
        return GemmCheck.worst(backend, (c, a, b, transA, transB, m, n, k, alpha, beta)
                -> product.gemm(config, c, a, b, transA, transB, m, n, k, alpha, beta), cases);
    }

    @Override
    public double tolerance() {
        return Tolerances.GEMM;
    }

    @Override
    public double flops(String shapeClass) {
        return WORKLOADS.get(shapeClass(shapeClass)).stream().mapToDouble(Shape::flops).sum();
    }

    @Override
    public void runRound(GemmConfig config, String shapeClass) {
        operands.runEach(WORKLOADS.get(shapeClass(shapeClass)), (s, c, a, b)
                -> product.gemm(config, c, a, b, s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, 0f));
        backend.synchronize();
    }

    @Override
    public void close() {
        operands.close();
    }

    private static GemmClass shapeClass(String word) {
        GemmClass c = GemmClass.fromWord(word);
        if (c == null) {
            throw new IllegalArgumentException("no GEMM class '" + word + "'");
        }
        return c;
    }
}
