package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.CpuBackend;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The {@code clnn} command line. Until the training commands land, it lists devices and runs a GEMM self-check that
 * compares the selected backend with the CPU reference.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns the process exit code; errors are one line on {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = List.of(args).contains("--debug");
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
                out.println(usage());
                return args.length == 0 ? 2 : 0;
            }
            Options options = Options.parse(args, 1);
            return switch (args[0]) {
                case "devices" -> devices(out);
                case "selfcheck" -> selfCheck(options, out);
                default -> throw new IllegalArgumentException("unknown command \"" + args[0] + "\"\n" + usage());
            };
        } catch (RuntimeException e) {
            if (debug) {
                e.printStackTrace(err);
            }
            err.println("clnn: " + firstLine(e));
            return 1;
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static String usage() {
        return String.join("\n",
                "usage: clnn <command> [options]",
                "  devices                        list OpenCL devices and the CPU reference; * marks the default",
                "  selfcheck [--device D] [--n N] GEMM on the device against the CPU reference, with GFLOP/s",
                "options: --device auto|cpu|opencl|opencl:P:D|NAME (default: $CLNN_DEVICE or auto), --debug");
    }

    private static int devices(PrintStream out) {
        List<DeviceInfo> all = ClDevice.list();
        DeviceInfo chosen = all.isEmpty() ? null : ClDevice.select("opencl");
        if (all.isEmpty()) {
            out.println("no OpenCL platform found (install an OpenCL driver such as pocl-opencl-icd)");
        }
        for (DeviceInfo d : all) {
            out.printf(Locale.ROOT, "%s %-12s %s%n    platform %s, vendor %s, driver %s, %s%n"
                    + "    %d compute units, %d MiB global memory, %d MiB max allocation, %d KiB local memory%n",
                    d.equals(chosen) ? "*" : " ", d.selector(), d.name(), d.platformName(), d.vendor(), d.driverVersion(),
                    d.gpu() ? "GPU" : "not a GPU", d.computeUnits(), d.globalMemBytes() >> 20,
                    d.maxAllocBytes() >> 20, d.localMemBytes() >> 10);
        }
        out.printf("%s cpu          %s%n", chosen == null ? "*" : " ", new CpuBackend().name());
        return 0;
    }

    private static int selfCheck(Options options, PrintStream out) {
        int n = options.intValue("--n", 256);
        try (Backend backend = Backends.open(options.string("--device", Backends.defaultSelector()))) {
            GemmSelfCheck.Result r = GemmSelfCheck.run(backend, n);
            out.printf(Locale.ROOT, "gemm %dx%d·%dx%d on %s: relative error %.2e vs CPU reference, %.1f GFLOP/s%n",
                    n, n, n, n, backend.name(), r.relativeError(), r.gflops());
            if (!r.passed()) {
                out.println("SELF-CHECK FAILED: error above " + GemmSelfCheck.TOLERANCE);
                return 1;
            }
            out.println("self-check passed");
            return 0;
        }
    }
}
