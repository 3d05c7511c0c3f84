package dev.clnn.backend.profile;

import dev.clnn.device.KernelTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Profile} of some training steps as a table, slowest op first, with the kernels each op launched (on
 * OpenCL) under it, slowest first:
 *
 * <pre>
 * profile of 35 steps on DEVICE: 14.30 ms per step
 *   op              kernel            calls/step   ms/step    share  rate
 *   gemm                                       6     5.100   35.7 %  150.2 GFLOP/s
 *                   gemm_blocked               6     4.500   31.5 %
 *                   pack_operand               6     0.600    4.2 %
 *   reluForward     relu_forward               2     0.700    4.9 %  13.6 GB/s
 *   ...
 *   (outside ops)                                    1.200    8.4 %
 * </pre>
 *
 * An op that launched one kernel names it on its own row. The share is of the steps' wall time; the last row is
 * the rest of it (host work, transfers, the device idle between kernels). The rate is the op's work
 * ({@code OpWork}) over its time. On the CPU reference, which launches no kernels, there is no kernel column.
 */
public final class ProfileTable {
    private static final String OUTSIDE = "(outside ops)";

    private ProfileTable() {
    }

    /**
     * The table's lines, without line separators.
     *
     * @param steps     how many steps the profile covers, at least 1
     * @param wallNanos their wall time, waited for the device, in nanoseconds
     * @param device    the backend's name, for the heading
     */
    public static List<String> lines(Profile profile, long steps, long wallNanos, String device) {
        if (steps < 1 || wallNanos < 1) {
            throw new IllegalArgumentException("a profile needs at least one step and some time, got " + steps
                    + " steps in " + wallNanos + " ns");
        }
        int opWidth = "op".length();
        int kernelWidth = 0;
        for (OpProfile o : profile.ops()) {
            opWidth = Math.max(opWidth, o.op().length());
            for (KernelTime k : o.kernels()) {
                kernelWidth = Math.max(kernelWidth, Math.max("kernel".length(), k.kernel().length()));
            }
        }
        // The CPU reference launches no kernels: no kernel column then.
        String names = kernelWidth == 0 ? "  %-" + opWidth + "s%s" : "  %-" + opWidth + "s  %-" + kernelWidth + "s";
        String figures = "  %10s  %8s  %7s  %s";
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "profile of %d steps on %s: %.2f ms per step", steps, device,
                wallNanos / 1e6 / steps));
        lines.add(row(names + figures, "op", kernelWidth == 0 ? "" : "kernel", "calls/step", "ms/step", "share",
                "rate"));
        for (OpProfile o : profile.ops()) {
            String rate = Double.isNaN(o.rate()) ? "" : String.format(Locale.ROOT, o.rate() < 1 ? "%.3f %s"
                    : "%.1f %s", o.rate(), o.unit().rate());
            // An op of one kernel shares its row with it; an op of several has a row per kernel under it.
            String only = o.kernels().size() == 1 ? o.kernels().get(0).kernel() : "";
            lines.add(row(names + figures, o.op(), only, perStep(o.calls(), steps), ms(o.nanos(), steps),
                    share(o.nanos(), wallNanos), rate));
            if (o.kernels().size() > 1) {
                for (KernelTime k : o.kernels()) {
                    lines.add(row(names + figures, "", k.kernel(), perStep(k.calls(), steps), ms(k.nanos(), steps),
                            share(k.nanos(), wallNanos), ""));
                }
            }
        }
        long outside = wallNanos - profile.nanos();
        int nameWidth = opWidth + (kernelWidth == 0 ? 0 : kernelWidth + 2);
        lines.add(row("  %-" + nameWidth + "s" + figures, OUTSIDE, "", ms(outside, steps), share(outside, wallNanos),
                ""));
        return lines;
    }

    private static String row(String format, Object... values) {
        return String.format(Locale.ROOT, format, values).stripTrailing();
    }

    private static String perStep(long calls, long steps) {
        return calls % steps == 0 ? Long.toString(calls / steps)
                : String.format(Locale.ROOT, "%.1f", (double) calls / steps);
    }

    private static String ms(long nanos, long steps) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6 / steps);
    }

    private static String share(long nanos, long wallNanos) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * nanos / wallNanos);
    }
}
