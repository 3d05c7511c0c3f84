package dev.clnn.optim;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the command-line spelling of a learning-rate schedule:
 * <pre>
 *   constant                 η₀
 *   step:S,G                 η₀·G^floor(t/S)
 *   multistep:M1;M2;…,G      η₀·G^(milestones ≤ t)
 *   exp:B                    η₀·B^t
 *   poly:B,A                 η₀·(B·t + 1)^(−A)
 *   cosine[:TMAX[,MIN]]      cosine annealing from η₀ to MIN (default 0) over TMAX steps
 * </pre>
 * Each name maps to the {@link LrSchedule} factory of the same meaning. A linear warm-up, when asked for, goes in
 * front of the parsed schedule, so the schedule's own step 0 is the first step after the warm-up.
 */
public final class LrScheduleParser {

    static final String EXPECTED =
            "constant, step:S,G, multistep:M1;M2;…,G, exp:B, poly:B,A or cosine[:TMAX[,MIN]]";

    // Plain decimal or scientific notation; rejects what Double.parseDouble also takes (NaN, 0x1p3, 1.5d).
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Set<String> NAMES = Set.of("constant", "step", "multistep", "exp", "poly", "cosine");

    private LrScheduleParser() {
    }

    /**
     * Parses {@code spec} into a schedule over optimiser steps.
     *
     * @param spec        one of the forms in the class comment, e.g. {@code "step:30,0.1"}
     * @param lr0         base learning rate η₀, finite and ≥ 0
     * @param totalSteps  optimiser steps in the whole run, warm-up included, ≥ 0; {@code cosine} without TMAX
     *                    anneals over totalSteps − warmupSteps
     * @param warmupSteps W ≥ 0 steps of linear warm-up in front of the schedule; 0 for none
     * @throws IllegalArgumentException naming the offending text and what was expected
     */
    public static LrSchedule parse(String spec, double lr0, long totalSteps, long warmupSteps) {
        ScheduleArgs.requireBaseLr(lr0);
        ScheduleArgs.requireNonNegative("total steps", totalSteps);
        ScheduleArgs.requireNonNegative("warm-up steps", warmupSteps);
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty learning-rate schedule: expected " + EXPECTED);
        }
        String text = spec.trim();
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown schedule \"" + text + "\": expected " + EXPECTED);
        }
        // limit −1 keeps empty trailing pieces, so "step:3," is an error rather than "step:3".
        List<String> args = colon < 0 ? List.of() : List.of(text.substring(colon + 1).split(",", -1));
        try {
            return schedule(name, args, lr0, totalSteps - warmupSteps).withWarmup(warmupSteps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule \"" + text + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code spec} depends on the run's length: {@code cosine} without TMAX anneals over the total steps, so
     * the same step gets another rate in a longer run. Every other form depends on the step alone.
     */
    public static boolean dependsOnTotalSteps(String spec) {
        return spec != null && spec.trim().equals("cosine");
    }

    private static LrSchedule schedule(String name, List<String> args, double lr0, long annealSteps) {
        switch (name) {
            case "constant":
                requireArity(args, 0, 0, "constant");
                return LrSchedule.constant(lr0);
            case "step":
                requireArity(args, 2, 2, "step:S,G");
                return LrSchedule.step(lr0, integer("step size S", args.get(0)), decimal("decay G", args.get(1)));
            case "multistep":
                requireArity(args, 2, 2, "multistep:M1;M2;…,G");
                return LrSchedule.multiStep(lr0, milestones(args.get(0)), decimal("decay G", args.get(1)));
            case "exp":
                requireArity(args, 1, 1, "exp:B");
                return LrSchedule.exponential(lr0, decimal("decay B", args.get(0)));
            case "poly":
                requireArity(args, 2, 2, "poly:B,A");
                return LrSchedule.polynomial(lr0, decimal("rate B", args.get(0)), decimal("power A", args.get(1)));
            case "cosine":
                requireArity(args, 0, 2, "cosine[:TMAX[,MIN]]");
                return LrSchedule.cosine(lr0,
                        args.isEmpty() ? defaultPeriod(annealSteps) : integer("period TMAX", args.get(0)),
                        args.size() < 2 ? 0.0 : decimal("floor MIN", args.get(1)));
            default:
                throw new AssertionError("name passed the NAMES check but has no case: " + name);
        }
    }

    private static long defaultPeriod(long annealSteps) {
        if (annealSteps <= 0) {
            throw new IllegalArgumentException("cosine without TMAX anneals over total steps minus warm-up steps, "
                    + "which is " + annealSteps + "; give cosine:TMAX or more total steps");
        }
        return annealSteps;
    }

    private static long[] milestones(String text) {
        String[] pieces = text.split(";", -1);
        long[] milestones = new long[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            milestones[i] = integer("milestone", pieces[i]);
        }
        return milestones;
    }

    private static void requireArity(List<String> args, int min, int max, String form) {
        if (args.size() < min || args.size() > max) {
            throw new IllegalArgumentException("expected " + form + ", got " + args.size()
                    + (args.size() == 1 ? " argument" : " arguments"));
        }
    }

    private static long integer(String what, String text) {
        try {
            if (INTEGER.matcher(text).matches()) {
                return Long.parseLong(text);
            }
        } catch (NumberFormatException e) {
            // Too many digits for a long; reported below like any other non-integer.
        }
        throw new IllegalArgumentException(what + " must be an integer, got \"" + text + "\"");
    }

    private static double decimal(String what, String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException(what + " must be a decimal number, got \"" + text + "\"");
        }
        return Double.parseDouble(text);
    }
}
