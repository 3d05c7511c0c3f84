package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.model.ModelSpec;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.parallel.DeviceGroup;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clnn bench gemm|ops|train}: quick figures, each the median of timed repetitions after warm-up (see
 * {@link Bench}); one sub-command per benchmark.
 */
@Command(name = "bench", sortOptions = false,
        description = {"Quick figures: the median of timed repetitions (at least 7, for at least 1 s) after warm-ups"
            + " (at least 3, for at least 1 s), each waiting for the device. The last line gives the figure, its"
            + " unit and the device. (The JMH benchmarks in benchmarks/ are the careful version.)"},
        footer = {"  clnn bench gemm --n 1024", "  clnn bench ops", "  clnn bench train --model cnn --batch 64",
            "  clnn bench gemm --help"})
final class BenchCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new IllegalArgumentException("bench: say what to measure: gemm, ops or train");
    }

    /** {@code bench gemm}. */
    @Command(name = "gemm", sortOptions = false,
            description = "Square GEMM n×n·n×n in GFLOP/s (2n³ / median time); the product is"
            + " checked against the CPU reference first.",
            footer = {"  clnn bench gemm", "  clnn bench gemm --n 2048 --device opencl:0:0"})
    static final class Gemm implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--n", paramLabel = "N", defaultValue = "1024", description = "matrix size (default:"
                + " ${DEFAULT-VALUE})")
        String n;

        @Mixin
        CommonOptions common;
        @Mixin
        DeviceOption device;

        Gemm(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            int size = OptionValues.positiveInt("--n", n);
            try (Backend backend = device.open()) {
                new Bench(backend, out).gemm(size);
            }
            return 0;
        }
    }

    /** {@code bench ops}. */
    @Command(name = "ops", sortOptions = false,
            description = "Memory-bound ops (copy, ReLU forward, SGD update with momentum, AdamW update, BatchNorm2d"
            + " forward and backward) over"
            + " COUNT floats, in GB/s of data moved.",
            footer = {"  clnn bench ops", "  clnn bench ops --count 1048576 --device cpu"})
    static final class Ops implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--count", paramLabel = "COUNT", defaultValue = "16777216", description = "floats per array"
                + " (default: ${DEFAULT-VALUE})")
        String count;

        @Mixin
        CommonOptions common;
        @Mixin
        DeviceOption device;

        Ops(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            int floats = OptionValues.positiveInt("--count", count);
            try (Backend backend = device.open()) {
                new Bench(backend, out).ops(floats);
            }
            return 0;
        }
    }

    /** {@code bench train}. */
    @Command(name = "train", sortOptions = false,
            description = "Training steps (forward, loss, backward, optimiser update) of a model on random"
            + " data, in samples/s.",
            footer = {"  clnn bench train", "  clnn bench train --model cnn --profile",
                "  clnn bench train --model \"linear(784,1024),relu,linear(1024,10)\" --batch 256",
                "  clnn bench train --batch 256 --devices opencl:0:0,opencl:0:1",
                "  clnn bench train --batch 256 --optimizer sgd,adamw"})
    static final class Train implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--model", paramLabel = "mlp|cnn|SPEC", defaultValue = "mlp", description = "the network"
                + " (default: ${DEFAULT-VALUE})")
        String model;
        @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "samples per step"
                + " (default: ${DEFAULT-VALUE})")
        String batch;
        @Option(names = "--profile", description = "also print where a step's time goes, per op and kernel (from"
                + " OpenCL profiling events, or the wall clock on the CPU), with each one's share and GFLOP/s or GB/s")
        boolean profile;
        @Option(names = "--optimizer", paramLabel = "sgd|adam|adamw[,…]", defaultValue = "sgd", split = ",",
                description = "the update: plain SGD, Adam, or AdamW with weight decay 0.01; several"
                + " are measured one after another (default: ${DEFAULT-VALUE})")
        List<String> optimizers;

        @Mixin
        CommonOptions common;
        @Mixin
        DeviceOption device;
        @Mixin
        DevicesOption devices;

        Train(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            ModelSpec spec = ModelSpec.parse(model);
            int samples = OptionValues.positiveInt("--batch", batch);
            if (devices.given()) {
                devices.requireAlone(device);
                if (profile) {
                    throw new IllegalArgumentException("--profile works on one device, not with --devices");
                }
                try (DeviceGroup group = devices.open(Set.of())) {
                    for (String o : optimizers) {
                        new ParallelBench(out).train(group.backends(), spec, samples, OptimizerKind.parse(o));
                    }
                }
                return 0;
            }
            try (Backend backend = profile ? device.openProfiled() : device.open()) {
                for (String o : optimizers) {
                    new Bench(backend, out).train(spec, samples, OptimizerKind.parse(o));
                }
            }
            return 0;
        }
    }
}
