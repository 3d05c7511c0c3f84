package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.check.ParityCheck;
import dev.clnn.check.Tolerances;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clnn selfcheck}: one GEMM on the device against the CPU reference; exit 1 when it is wrong. */
@Command(name = "selfcheck", sortOptions = false,
        description = "Multiplies two random n×n matrices on the device, compares the product with the CPU reference"
            + " and prints the relative error and GFLOP/s. Exits with 1 when the error is above "
            + Tolerances.GEMM + ".",
        footer = {"  clnn selfcheck", "  clnn selfcheck --n 1024 --device opencl:0:0", "  clnn selfcheck --full"})
final class SelfCheckCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--n", paramLabel = "N", defaultValue = "256", description = "matrix size (default:"
            + " ${DEFAULT-VALUE})")
    String n;
    @Option(names = "--full", description = "instead, compare every op family with the CPU reference on awkward"
            + " sizes (GEMM in four transpositions, convolution, pooling, ReLU, softmax cross-entropy, SGD, gradient"
            + " clipping), a line per comparison; exit 1 on any failure")
    boolean full;

    @Mixin
    CommonOptions common;
    @Mixin
    DeviceOption device;

    SelfCheckCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        int size = OptionValues.positiveInt("--n", n);
        try (Backend backend = device.open()) {
            if (full) {
                return ParityCheck.run(backend, out) == 0 ? 0 : 1;
            }
            GemmSelfCheck.Result r = GemmSelfCheck.run(backend, size);
            out.printf(Locale.ROOT, "gemm %dx%d·%dx%d on %s: relative error %.2e vs CPU reference, %.1f GFLOP/s%n",
                    size, size, size, size, backend.name(), r.relativeError(), r.gflops());
            if (!r.passed()) {
                out.println("SELF-CHECK FAILED: error above " + Tolerances.GEMM);
                return 1;
            }
            out.println("self-check passed");
            return 0;
        }
    }
}
