package dev.clnn.tune;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.opencl.ConfiguredGpuGemm;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.check.GemmCheck.Case;
import dev.clnn.check.GemmCheck;
import dev.clnn.check.Tolerances;
import dev.clnn.device.DeviceInfo;
import dev.clnn.tune.GemmOperands.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gemm_gpu on a device that runs it (GPUs, or any device with {@link KernelTuning#GEMM_KERNEL_PROPERTY} = gpu): one
 * {@link GpuGemmConfig} for every shape, one class, {@code all}, stored as
 * {@link KernelTuning#GPU_GEMM_STORE_NAME}. Its workload is a square (1024², or 256² when the budget is below
 * {@link #FULL_WORKLOAD_SECONDS}) and the products training runs (the MLP's and W2's layers, the CNN's convolution
 * and weight gradients), since one configuration serves them all.
 */
final class GpuGemmFamily implements TunableFamily<GpuGemmConfig> {
    /** The family's only class: gemm_gpu has one configuration for every shape. */
    static final String CLASS = KernelTuning.GPU_GEMM_CLASS;
    /**
     * Below this budget the square is 256² and W2's batch-256 layers are left out: on a slow device (POCL runs
     * gemm_gpu at 1-10 GFLOP/s) the full workload's rounds alone would use a tiny budget up.
     */
    static final double FULL_WORKLOAD_SECONDS = 20;

    /** How a product is computed with a configuration; tests put a wrong one here to see it rejected. */
    @FunctionalInterface
    interface Product {
        void gemm(GpuGemmConfig config, Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n,
                int k, float alpha, float beta);
    }

    private final OpenClBackend backend;
    private final DeviceInfo info;
    private final Product product;
    private final List<Shape> workload;
    private final GpuGemmConfig defaultConfig;
    private final GemmOperands operands;

    /** @param budget the family's share of the tuning budget, which sizes the workload */
    GpuGemmFamily(OpenClBackend backend, Duration budget) {
        this(backend, budget, byConfiguredGemm(backend));
    }

    GpuGemmFamily(OpenClBackend backend, Duration budget, Product product) {
        this.backend = backend;
        this.info = backend.device().info();
        this.product = product;
        this.workload = workload(budget.toMillis() / 1e3 >= FULL_WORKLOAD_SECONDS);
        this.defaultConfig = KernelTuning.forDevice(info, null).gpuGemm();
        this.operands = new GemmOperands(backend, workload);
    }

    private static Product byConfiguredGemm(OpenClBackend backend) {
        Map<GpuGemmConfig, ConfiguredGpuGemm> gemms = new HashMap<>();
        return (config, c, a, b, transA, transB, m, n, k, alpha, beta) -> gemms
                .computeIfAbsent(config, cfg -> new ConfiguredGpuGemm(backend, cfg))
                .gemm(c, a, b, transA, transB, m, n, k, alpha, beta);
    }

    /** The products one round runs: the full workload, or the reduced one for a tiny budget. */
    static List<Shape> workload(boolean full) {
        List<Shape> w = new ArrayList<>();
        w.add(full ? new Shape(1024, 1024, 1024, false, false) : new Shape(256, 256, 256, false, false));
        // mlp at batch 64: forward (x · Wᵀ), input gradient (dy · W), weight gradient (dyᵀ · x)
        w.add(new Shape(64, 512, 784, false, true));
        w.add(new Shape(64, 784, 512, false, false));
        w.add(new Shape(512, 784, 64, true, false));
        // cnn's second convolution on 16 images: W · columns (32 × 144 · 144 × 16·196)
        w.add(new Shape(32, 3136, 144, false, false));
        if (full) {
            // W2 (784-1024-1024-10, batch 256): forward, input gradient, weight gradient of the first layer
            w.add(new Shape(256, 1024, 784, false, true));
            w.add(new Shape(256, 784, 1024, false, false));
            w.add(new Shape(1024, 784, 256, true, false));
            // cnn's weight gradients at batch 64: long K, few tiles of C (gemm_gpu has no split-K)
            w.add(new Shape(16, 9, 64 * 784, false, true));
            w.add(new Shape(32, 144, 64 * 196, false, true));
        }
        return List.copyOf(w);
    }

    @Override
    public String name() {
        return KernelTuning.GPU_GEMM_FAMILY;
    }

    @Override
    public String describe() {
        Shape square = workload.get(0);
        return String.format(Locale.ROOT, "gemm_gpu on %s: %d candidates; class %s (%d shapes, square %d²)",
                info.name(), GpuGemmConfig.candidates(info).size(), CLASS, workload.size(), square.m());
    }

    @Override
    public List<String> classes() {
        return List.of(CLASS);
    }

    @Override
    public GpuGemmConfig defaultFor(String shapeClass) {
        checkClass(shapeClass);
        return defaultConfig;
    }

    /**
     * What an earlier tuning chose (if any), then one K step (the first of the candidates', 16) of every tile shape,
     * in {@link GpuGemmConfig#candidates}' order: the tiles decide most, so a small budget sees all of them first.
     */
    @Override
    public List<GpuGemmConfig> coarse() {
        List<GpuGemmConfig> out = new ArrayList<>();
        if (backend.tuning().gpuGemmSource() == KernelTuning.Source.TUNED) {
            out.add(backend.tuning().gpuGemm());
        }
        List<GpuGemmConfig> all = GpuGemmConfig.candidates(info);
        int kwg = all.isEmpty() ? 0 : all.get(0).kwg();
        for (GpuGemmConfig c : all) {
            if (c.kwg() == kwg && !out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The same tiles and work-items with the candidates' other fields (K steps, vector widths, unrolling). */
    @Override
    public List<GpuGemmConfig> refinements(GpuGemmConfig good) {
        return GpuGemmConfig.candidates(info).stream()
                .filter(c -> c.mwg() == good.mwg() && c.nwg() == good.nwg() && c.mdimc() == good.mdimc()
                        && c.ndimc() == good.ndimc() && !c.equals(good))
                .toList();
    }

    /**
     * Every transposition of a 37 × 61 · 61 × 53 product (primes below one tile) on a NaN-poisoned C, two that
     * accumulate (beta 1) at 131 × 97 · 97 × 139 (primes past the largest tile, 128, and K past several K steps),
     * NN and TT, and a 1 × 1 · 1 × 1.
     */
    @Override
    public double check(GpuGemmConfig config) {
        List<Case> cases = List.of(new Case(37, 53, 61, false, false, 0.5f, 0),
                new Case(37, 53, 61, true, false, 0.5f, 0), new Case(37, 53, 61, false, true, 0.5f, 0),
                new Case(37, 53, 61, true, true, 0.5f, 0), new Case(131, 139, 97, false, false, 0.5f, 1),
                new Case(131, 139, 97, true, true, 0.5f, 1), new Case(1, 1, 1, false, false, 0.5f, 0));
        return GemmCheck.worst(backend, (c, a, b, transA, transB, m, n, k, alpha, beta)
                -> product.gemm(config, c, a, b, transA, transB, m, n, k, alpha, beta), cases);
    }

    @Override
    public double tolerance() {
        return Tolerances.GEMM;
    }

    @Override
    public double flops(String shapeClass) {
        checkClass(shapeClass);
        return workload.stream().mapToDouble(Shape::flops).sum();
    }

    @Override
    public void runRound(GpuGemmConfig config, String shapeClass) {
        checkClass(shapeClass);
        operands.runEach(workload, (s, c, a, b)
                -> product.gemm(config, c, a, b, s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, 0f));
        backend.synchronize();
    }

    @Override
    public void close() {
        operands.close();
    }

    private static void checkClass(String shapeClass) {
        if (!CLASS.equals(shapeClass)) {
            throw new IllegalArgumentException("gemm_gpu has one class, '" + CLASS + "', not '" + shapeClass + "'");
        }
    }
}
