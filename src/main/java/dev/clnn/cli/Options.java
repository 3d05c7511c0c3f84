package dev.clnn.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code --name value} options and {@code --flag} switches after a command word, checked against what the
 * command accepts: an unknown option, a missing value or a malformed number is an error naming it.
 */
final class Options {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Options(String command) {
        this.command = command;
    }

    static Options parse(String command, String[] args, int from, Set<String> valued, Set<String> switches) {
        Options o = new Options(command);
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (switches.contains(a)) {
                o.flags.add(a);
            } else if (valued.contains(a)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(command + ": option " + a + " needs a value");
                }
                o.values.put(a, args[++i]);
            } else if (a.startsWith("--")) {
                Set<String> all = new TreeSet<>(valued);
                all.addAll(switches);
                throw new IllegalArgumentException(command + ": unknown option " + a + "; expected one of " + all);
            } else {
                throw new IllegalArgumentException(command + ": unexpected argument \"" + a + "\"");
            }
        }
        return o;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(command + ": option " + name + " is required");
        }
        return v;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    Path path(String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }

    /** A positive integer. */
    int positiveInt(String name, int fallback) {
        long v = longValue(name, fallback);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a positive integer, got " + values.get(name));
        }
        return (int) v;
    }

    long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got \"" + v + "\"");
        }
    }

    /** A finite number ≥ 0 (learning rates, momentum, weight decay). */
    double nonNegative(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got \"" + v + "\"");
        }
        if (!Double.isFinite(d) || d < 0) {
            throw new IllegalArgumentException(name + " must be a finite number ≥ 0, got " + v);
        }
        return d;
    }
}
