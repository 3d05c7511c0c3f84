package dev.clnn.tune;

import static dev.clnn.check.SeededData.nan;
import static dev.clnn.check.SeededData.uniform;

import dev.clnn.backend.Backend;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.backend.Errors;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.ConvTuning;
import dev.clnn.check.Tolerances;
import dev.clnn.nn.Conv2d;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The convolution algorithm for patches the direct kernel supports (cin·kh·kw ≤ {@link ConvAlgorithm#DIRECT_MAX_PATCH}:
 * first layers over grey or RGB images): {@link ConvAlgorithm#DIRECT} or {@link ConvAlgorithm#IM2COL_GEMM}, stored as
 * {@code conv.small-patch = direct} and read by {@link ConvTuning#forDevice}. Wider patches always run im2col + GEMM,
 * so there is nothing to choose for them. The workload is what a training step runs in such a layer: the forward pass
 * and the parameter gradients (a first layer's input gradient is never computed), through {@link Conv2d} on a
 * backend with the algorithm forced, so the timing covers the layout copies and bias pass each algorithm needs.
 */
final class ConvFamily implements TunableFamily<ConvAlgorithm> {
    /**
     * One forward and full backward pass of {@code layer} (built on a backend forcing {@code algorithm}): returns y and
     * dx; the parameter gradients accumulate in the layer. Tests put a wrong one here to see it rejected.
     */
    @FunctionalInterface
    interface Pass {
        Tensor[] run(ConvAlgorithm algorithm, Conv2d layer, Tensor x, Tensor dy);
    }

    /** A convolution layer of a workload or check: square kernel, on n images of h × w. */
    private record Layer(int n, int cin, int h, int w, int cout, int k, int stride, int pad) {
        int outH() {
            return (h + 2 * pad - k) / stride + 1;
        }

        int outW() {
            return (w + 2 * pad - k) / stride + 1;
        }

        /** Forward pass and weight gradient, each 2·patch multiply-adds per output element (bias sums left out). */
        double flops() {
            return 2 * 2.0 * n * cout * outH() * outW() * cin * k * k;
        }

        Conv2d open(Backend backend, long seed) {
            return new Conv2d(backend, cin, cout, k, stride, pad, new SplittableRandom(seed));
        }
    }

    /**
     * cnn's first layer, conv(1, 16, 3, pad 1) at batch 64 on 28 × 28, and an RGB first layer, conv(3, 16, 3, pad 1)
     * at batch 64 on 32 × 32 (CIFAR-sized).
     */
    private static final List<Layer> WORKLOAD = List.of(new Layer(64, 1, 28, 28, 16, 3, 1, 1),
            new Layer(64, 3, 32, 32, 16, 3, 1, 1));
    /**
     * Awkward shapes: prime sizes, a stride of 2 without padding, the largest patch the direct kernel takes
     * (2·4·4 = 32 taps, padding wider than a stride), a single image and channel.
     */
    private static final List<Layer> CHECKS = List.of(new Layer(3, 1, 11, 13, 5, 3, 1, 1),
            new Layer(2, 3, 7, 9, 7, 3, 2, 0), new Layer(2, 2, 6, 5, 3, 4, 1, 2), new Layer(1, 1, 1, 1, 1, 1, 1, 0));

    private final OpenClBackend backend;
    private final Pass pass;
    private final Map<ConvAlgorithm, OpenClBackend> forced = new EnumMap<>(ConvAlgorithm.class);
    private final Map<ConvAlgorithm, Workload> workloads = new EnumMap<>(ConvAlgorithm.class);
    private final CpuBackend cpu = new CpuBackend();

    ConvFamily(OpenClBackend backend) {
        this(backend, (algorithm, layer, x, dy) -> new Tensor[] {layer.forward(x), layer.backward(dy)});
    }

    ConvFamily(OpenClBackend backend, Pass pass) {
        this.backend = backend;
        this.pass = pass;
        for (ConvAlgorithm a : ConvAlgorithm.values()) {
            // Backends on the same device share its programs and memory; closing one would close the device, so
            // they are left to it.
            forced.put(a, new OpenClBackend(backend.device(), backend.convPolicy().forcing(a)));
        }
    }

    @Override
    public String name() {
        return ConvTuning.FAMILY;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "convolutions on %s: direct or im2col_gemm for patches of ≤ %d taps; class"
                + " %s (%d layers, forward and parameter gradients)", backend.device().info().name(),
                ConvAlgorithm.DIRECT_MAX_PATCH, ConvTuning.SMALL_PATCH_CLASS, WORKLOAD.size());
    }

    @Override
    public List<String> classes() {
        return List.of(ConvTuning.SMALL_PATCH_CLASS);
    }

    @Override
    public ConvAlgorithm defaultFor(String shapeClass) {
        checkClass(shapeClass);
        return new ConvPolicy(null, backend.device().info().gpu()).ruleForSmallPatches();
    }

    @Override
    public List<ConvAlgorithm> coarse() {
        return List.of(ConvAlgorithm.values());
    }

    @Override
    public List<ConvAlgorithm> refinements(ConvAlgorithm good) {
        return List.of();
    }

    @Override
    public String text(ConvAlgorithm config) {
        return config.word();
    }

    /**
     * Each check layer's forward pass and full backward pass (dx, and the weight and bias gradients accumulated onto
     * random starting values) against the CPU reference's. The outputs y and dx are poisoned first: a pass over NaN
     * input and NaN dy fills the layer's own output buffers, which the checked pass then reuses.
     */
    @Override
    public double check(ConvAlgorithm config) {
        double worst = 0;
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < CHECKS.size(); i++) {
            double error = checkOne(config, CHECKS.get(i), random, 100 + i);
            if (!(error <= worst)) {
                worst = error; // keeps NaN
            }
        }
        return worst;
    }

    private double checkOne(ConvAlgorithm config, Layer l, SplittableRandom random, long seed) {
        int xCount = l.n() * l.cin() * l.h() * l.w();
        int yCount = l.n() * l.cout() * l.outH() * l.outW();
        int[] xShape = {l.n(), l.cin(), l.h(), l.w()};
        int[] yShape = {l.n(), l.cout(), l.outH(), l.outW()};
        float[] x = uniform(random, xCount);
        float[] dy = uniform(random, yCount);
        float[] dw0 = uniform(random, l.cout() * l.cin() * l.k() * l.k());
        float[] db0 = uniform(random, l.cout());
        Backend device = forced.get(config);
        try (Conv2d layer = l.open(device, seed); Conv2d reference = l.open(cpu, seed);
                Tensor nx = device.fromArray(nan(xCount), xShape); Tensor ndy = device.fromArray(nan(yCount), yShape);
                Tensor tx = device.fromArray(x, xShape); Tensor tdy = device.fromArray(dy, yShape)) {
            pass.run(config, layer, nx, ndy);
            device.write(layer.weight().grad(), dw0);
            device.write(layer.bias().grad(), db0);
            Tensor[] out = pass.run(config, layer, tx, tdy);
            cpu.write(reference.weight().grad(), dw0);
            cpu.write(reference.bias().grad(), db0);
            Tensor ry = reference.forward(cpu.fromArray(x, xShape));
            Tensor rdx = reference.backward(cpu.fromArray(dy, yShape));
            double[] errors = {Errors.relative(device.readFloats(out[0]), cpu.readFloats(ry)),
                Errors.relative(device.readFloats(out[1]), cpu.readFloats(rdx)),
                Errors.relative(device.readFloats(layer.weight().grad()), cpu.readFloats(reference.weight().grad())),
                Errors.relative(device.readFloats(layer.bias().grad()), cpu.readFloats(reference.bias().grad()))};
            double worst = 0;
            for (double e : errors) {
                if (!(e <= worst)) {
                    worst = e;
                }
            }
            return worst;
        }
    }

    /**
     * Its checks are a few tiny layers and its programs (conv.cl, im2col, the GEMM) build in about a second on a cold
     * POCL cache: on this 2-core EPYC a warm check took 0.3 s, the measurement of both layers 0.3 s.
     */
    @Override
    public double firstPrepareSeconds() {
        return 1.5;
    }

    @Override
    public double firstMeasureSeconds() {
        return 0.5;
    }

    @Override
    public double tolerance() {
        return Tolerances.CONV_TUNING;
    }

    @Override
    public double flops(String shapeClass) {
        checkClass(shapeClass);
        return WORKLOAD.stream().mapToDouble(Layer::flops).sum();
    }

    @Override
    public void runRound(ConvAlgorithm config, String shapeClass) {
        checkClass(shapeClass);
        Workload w = workloads.computeIfAbsent(config, a -> new Workload(forced.get(a)));
        for (int i = 0; i < WORKLOAD.size(); i++) {
            w.layers.get(i).forward(w.inputs.get(i));
            w.layers.get(i).backwardParametersOnly(w.gradients.get(i));
        }
        forced.get(config).synchronize();
    }

    /** The workload's layers and operands on one forced backend, made on first use. */
    private static final class Workload implements AutoCloseable {
        final List<Conv2d> layers = new ArrayList<>();
        final List<Tensor> inputs = new ArrayList<>();
        final List<Tensor> gradients = new ArrayList<>();

        Workload(Backend backend) {
            SplittableRandom random = new SplittableRandom(7);
            for (Layer l : WORKLOAD) {
                layers.add(l.open(backend, 1));
                inputs.add(backend.fromArray(uniform(random, l.n() * l.cin() * l.h() * l.w()), l.n(), l.cin(),
                        l.h(), l.w()));
                gradients.add(backend.fromArray(uniform(random, l.n() * l.cout() * l.outH() * l.outW()), l.n(),
                        l.cout(), l.outH(), l.outW()));
            }
        }

        @Override
        public void close() {
            layers.forEach(Conv2d::close);
            inputs.forEach(Tensor::close);
            gradients.forEach(Tensor::close);
        }
    }

    @Override
    public void close() {
        workloads.values().forEach(Workload::close);
        workloads.clear();
    }

    private static void checkClass(String shapeClass) {
        if (!ConvTuning.SMALL_PATCH_CLASS.equals(shapeClass)) {
            throw new IllegalArgumentException("the convolution family has one class, '"
                    + ConvTuning.SMALL_PATCH_CLASS + "', not '" + shapeClass + "'");
        }
    }
}
