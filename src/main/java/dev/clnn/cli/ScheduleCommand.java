package dev.clnn.cli;

import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.LrScheduleParser;
import dev.clnn.plot.Charts;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.XYChart;

/**
 * {@code clnn schedule}: a learning-rate schedule over N steps, exactly as {@code train} would run it, as CSV, as a
 * plot, or (with neither) as a one-line summary.
 */
final class ScheduleCommand {
    static final Set<String> OPTIONS = Set.of("--schedule", "--lr", "--steps", "--warmup", "--plot");
    static final Set<String> FLAGS = Set.of("--csv", "--debug");

    private ScheduleCommand() {
    }

    static int run(Options o, PrintStream out) {
        String spec = o.required("--schedule");
        if (!o.has("--lr")) {
            throw new IllegalArgumentException("schedule: option --lr is required");
        }
        double lr0 = o.nonNegative("--lr", Double.NaN);
        int steps = o.positiveInt("--steps", 0);
        long warmup = o.longValue("--warmup", 0);
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be ≥ 0, got " + warmup);
        }
        Path plot = o.path("--plot");
        Main.checkWritable(plot, "--plot");
        LrSchedule schedule = LrScheduleParser.parse(spec, lr0, steps, warmup);
        double[] lr = new double[steps];
        for (int t = 0; t < steps; t++) {
            lr[t] = schedule.lr(t);
        }
        if (o.flag("--csv")) {
            out.println("step,lr");
            StringBuilder rows = new StringBuilder();
            for (int t = 0; t < steps; t++) {
                // Double.toString is the shortest text that reads back as the same double.
                rows.append(t).append(',').append(lr[t]).append('\n');
            }
            out.print(rows);
        }
        if (plot != null) {
            writePlot(plot, schedule, lr);
            if (!o.flag("--csv")) {
                out.println("plotted " + plot);
            }
        }
        if (!o.flag("--csv") && plot == null) {
            out.println(summary(schedule, lr));
        }
        return 0;
    }

    static String summary(LrSchedule schedule, double[] lr) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : lr) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return schedule + " over " + lr.length + " steps: first " + compact(lr[0]) + ", min " + compact(min)
                + ", max " + compact(max) + ", last " + compact(lr[lr.length - 1]);
    }

    /** Six significant digits without trailing zeros: 0.05, 9.32854E-8. */
    private static String compact(double value) {
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toString();
    }

    private static void writePlot(Path file, LrSchedule schedule, double[] lr) {
        double[] steps = new double[lr.length];
        for (int t = 0; t < lr.length; t++) {
            steps[t] = t;
        }
        XYChart chart = Charts.panel("Learning rate per step", "optimiser step", "learning rate");
        // The schedule's full text is too long for a title; the legend below the plot has the width.
        Charts.addLine(chart, schedule.toString(), steps, lr);
        Charts.writePng(file, List.of(chart));
    }
}
