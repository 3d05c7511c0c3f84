package dev.clnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the text of one option's value and converts it, with the messages the command line has always given
 * ("--batch must be a positive integer, got 0"). picocli finds the options; the values stay text until here, so
 * every command validates the same way and a bad value names its option.
 */
final class OptionValues {
    private OptionValues() {
    }

    /** A positive integer that fits an int. */
    static int positiveInt(String name, String value) {
        long v = integer(name, value);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a positive integer, got " + value);
        }
        return (int) v;
    }

    /** Any integer that fits a long. */
    static long integer(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got \"" + value + "\"");
        }
    }

    /** A finite number ≥ 0 (learning rates, momentum, weight decay). */
    static double nonNegative(String name, String value) {
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got \"" + value + "\"");
        }
        if (!Double.isFinite(d) || d < 0) {
            throw new IllegalArgumentException(name + " must be a finite number ≥ 0, got " + value);
        }
        return d;
    }

    /** A number > 0 that is finite as a float (--clip-grad-norm). */
    static float positiveFinite(String name, String value) {
        double d = nonNegative(name, value);
        if (d == 0 || Float.isInfinite((float) d) || (float) d == 0f) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
        }
        return (float) d;
    }

    /** The comma-separated names of a list option ({@code a,b,c}), or none when it was not given. */
    static List<String> names(String option, String value) {
        if (value == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String name : value.split(",", -1)) {
            if (name.strip().isEmpty()) {
                throw new IllegalArgumentException(option + " " + value + ": an empty name in the list");
            }
            names.add(name.strip());
        }
        return List.copyOf(names);
    }

    /** The path, or null when the option was not given. */
    static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    /**
     * An output file, or null when the option was not given. Fails before any work when its folder is missing, so
     * a long run does not end in an error.
     */
    static Path outputFile(String option, String value) {
        if (value == null) {
            return null;
        }
        Path file = Path.of(value);
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is a folder, not a file");
        }
        return file;
    }
}
