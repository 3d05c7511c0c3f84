package dev.clnn.cli;

import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.LrScheduleParser;
import dev.clnn.plot.Charts;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clnn schedule}: a learning-rate schedule over N steps, exactly as {@code train} would run it, as CSV, as a
 * plot, or (with neither) as a one-line summary.
 */
@Command(name = "schedule", sortOptions = false,
        description = {"The learning rate of each step t = 0…N-1, exactly as train computes it: a one-line summary"
            + " (first, min, max, last), step,lr CSV lines on stdout (--csv), or a plot (--plot).",
            "Schedules, all functions of the optimiser step t: constant; step:S,G (×G every S steps);"
            + " multistep:M1;M2;…,G (×G at each milestone); exp:B (lr·B^t); poly:B,A (lr·(B·t+1)^-A);"
            + " cosine[:TMAX[,MIN]] (TMAX defaults to the whole run, then MIN)."},
        footer = {"  clnn schedule --schedule cosine --lr 0.05 --steps 1250 --plot lr.png",
            "  clnn schedule --schedule step:100,0.5 --lr 0.2 --steps 350 --csv",
            "  clnn schedule --schedule \"multistep:500;900,0.1\" --lr 0.1 --steps 1250 \\",
            "      --warmup 100"})
final class ScheduleCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--schedule", required = true, paramLabel = "SPEC", description = "the schedule, as train's"
            + " --schedule")
    String spec;
    @Option(names = "--lr", required = true, paramLabel = "LR", description = "the initial learning rate")
    String lr;
    @Option(names = "--steps", required = true, paramLabel = "N", description = "optimiser steps in the run")
    String steps;
    @Option(names = "--warmup", paramLabel = "W", defaultValue = "0", description = "linear warm-up steps"
            + " (default: ${DEFAULT-VALUE})")
    String warmup;
    @Option(names = "--plot", paramLabel = "FILE.png", description = "draw the rate per step")
    String plot;
    @Option(names = "--csv", description = "print step,lr lines")
    boolean csv;

    @Mixin
    CommonOptions common;

    ScheduleCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        double lr0 = OptionValues.nonNegative("--lr", lr);
        int n = OptionValues.positiveInt("--steps", steps);
        long w = OptionValues.integer("--warmup", warmup);
        if (w < 0) {
            throw new IllegalArgumentException("--warmup must be ≥ 0, got " + w);
        }
        Path file = OptionValues.outputFile("--plot", plot);
        LrSchedule schedule = LrScheduleParser.parse(spec, lr0, n, w);
        double[] rates = new double[n];
        for (int t = 0; t < n; t++) {
            rates[t] = schedule.lr(t);
        }
        if (csv) {
            out.println("step,lr");
            StringBuilder rows = new StringBuilder();
            for (int t = 0; t < n; t++) {
                // Double.toString is the shortest text that reads back as the same double.
                rows.append(t).append(',').append(rates[t]).append('\n');
            }
            out.print(rows);
        }
        if (file != null) {
            writePlot(file, schedule, rates);
            if (!csv) {
                out.println("plotted " + file);
            }
        }
        if (!csv && file == null) {
            out.println(summary(schedule, rates));
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
