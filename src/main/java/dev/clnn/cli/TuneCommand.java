package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.tune.Tuner;
import dev.clnn.tune.TuningResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clnn tune}: measures kernel configurations on a device and stores the fastest correct ones for it. */
@Command(name = "tune", sortOptions = false,
        description = {"Measures configurations of the device's GEMM kernel, checks each against the CPU reference,"
            + " and stores the fastest correct one for this device and driver, beside the kernel cache: on CPUs"
            + " gemm_blocked's register block, vector width (every width, measured rather than taken from the"
            + " device's report) and work-group size per class of shape (small, large, long-k); on GPUs (or with CLNN_GEMM_KERNEL=gpu) gemm_gpu's tiles, work-items and K step, one for all"
            + " shapes; then, for convolutions of at most 32 taps (cin·kh·kw), the direct kernel or im2col + GEMM."
            + " train, bench, devices and the library use the stored choice from then on; deleting the file"
            + " restores the defaults.",
            "Ends within the budget; prints a line per configuration (not with --quiet), then the choices against"
            + " the defaults and the file written."},
        footer = {"  clnn tune", "  clnn tune --budget 20 --quiet",
            "  clnn tune --budget 60 --vector-width 8"})
final class TuneCommand implements Callable<Integer> {
    /** The budget of {@code train --tune}: enough for the defaults, a coarse pass and a few refinements on POCL. */
    static final int TRAIN_BUDGET_SECONDS = 30;
    private static final int MAX_BUDGET_SECONDS = 24 * 3600;

    private final PrintStream out;

    @Option(names = "--budget", paramLabel = "SECONDS", defaultValue = "60", description = "how long tuning may take"
            + " (default: ${DEFAULT-VALUE})")
    String budget;
    @Option(names = "--vector-width", paramLabel = "W", description = "only this float vector width of the"
            + " candidates, 1, 2, 4, 8 or 16 (default: every width, the best measured first); gemm_blocked only")
    String vectorWidth;
    @Option(names = "--quiet", description = "print only the choices and the file written")
    boolean quiet;

    @Mixin
    CommonOptions common;
    @Mixin
    DeviceOption device;

    TuneCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        int seconds = OptionValues.positiveInt("--budget", budget);
        if (seconds > MAX_BUDGET_SECONDS) {
            throw new IllegalArgumentException("--budget must be at most " + MAX_BUDGET_SECONDS + " seconds, got "
                    + budget);
        }
        int width = vectorWidth == null ? 0 : OptionValues.positiveInt("--vector-width", vectorWidth);
        if (vectorWidth != null && !GemmConfig.WIDTHS.contains(width)) {
            throw new IllegalArgumentException("--vector-width must be 1, 2, 4, 8 or 16, got " + vectorWidth);
        }
        try (Backend backend = device.open()) {
            if (!(backend instanceof OpenClBackend cl)) {
                throw new IllegalArgumentException("tune: " + backend.name() + " has nothing to tune; choose an"
                        + " OpenCL device with --device");
            }
            tune(cl, seconds, width, quiet, out);
        }
        return 0;
    }

    /**
     * Tunes {@code cl}, prints the choices and stores them.
     *
     * @throws IllegalStateException when the budget covered nothing (then nothing is stored)
     */
    static void tune(OpenClBackend cl, int seconds, int width, boolean quiet, PrintStream out) {
        TuningResult result = new Tuner(cl, width, quiet ? null : out).tune(Duration.ofSeconds(seconds));
        result.table().forEach(out::println);
        if (result.choices().isEmpty()) {
            throw new IllegalStateException("tune: a budget of " + seconds + " s did not cover even the default"
                    + " configurations; nothing stored (try --budget 30)");
        }
        try {
            Path file = result.save(TuningStore.standard());
            out.println("stored in " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("tune: could not store the results: " + e.getMessage(), e);
        }
    }
}
