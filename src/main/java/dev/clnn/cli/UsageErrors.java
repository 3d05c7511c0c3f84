package dev.clnn.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns picocli's parse errors into clnn's one-line messages, prefixed with the command ("train: unknown option
 * --epoch; did you mean --epochs?"). picocli would print several lines and the whole usage; clnn names the problem
 * and, for a mistyped name, the nearest right one.
 */
final class UsageErrors {
    private UsageErrors() {
    }

    /** @param args the whole command line, to tell an option given without a value from one not given at all */
    static String message(ParameterException e, List<String> args) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        String prefix = spec.parent() == null ? "" : spec.qualifiedName().substring(spec.root().name().length() + 1)
                + ": ";
        // picocli checks required options before it complains about unknown ones, but a mistyped required option
        // ("--step" for "--steps") is better reported as itself.
        List<String> unmatched = e instanceof UnmatchedArgumentException u ? u.getUnmatched()
                : e.getCommandLine().getUnmatchedArguments();
        if (!unmatched.isEmpty()) {
            String arg = unmatched.get(0);
            if (arg.startsWith("-")) {
                return prefix + unknownOption(spec, arg);
            }
            if (!spec.subcommands().isEmpty()) {
                return prefix + unknownCommand(spec, arg);
            }
            return prefix + "unexpected argument \"" + arg + "\"";
        }
        if (e instanceof MissingParameterException m) {
            for (ArgSpec missing : m.getMissing()) {
                if (missing instanceof OptionSpec option) {
                    return prefix + "option " + option.longestName() + (given(option, args) ? " needs a value"
                            : " is required");
                }
            }
        }
        String text = e.getMessage();
        int newline = text.indexOf('\n');
        return prefix + (newline < 0 ? text : text.substring(0, newline));
    }

    private static String unknownOption(CommandSpec spec, String arg) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        List<String> names = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (!option.hidden()) {
                names.addAll(List.of(option.names()));
            }
        }
        List<String> near = Suggestions.nearest(name, names);
        if (!near.isEmpty()) {
            return "unknown option " + name + "; did you mean " + Suggestions.either(near) + "?";
        }
        if (!spec.subcommands().isEmpty()) {
            String usage = spec.parent() == null ? "clnn COMMAND [options] (clnn help)"
                    : spec.qualifiedName() + " " + String.join("|", spec.subcommands().keySet()) + " [options]";
            return "unknown option " + name + "; options go after the " + noun(spec) + ": " + usage;
        }
        return "unknown option " + name + " (" + spec.qualifiedName() + " --help lists the options)";
    }

    private static String unknownCommand(CommandSpec spec, String arg) {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        List<String> near = Suggestions.nearest(arg, names);
        String unknown = "unknown " + noun(spec) + " \"" + arg + "\"; ";
        if (!near.isEmpty()) {
            return unknown + "did you mean " + Suggestions.either(near) + "?";
        }
        return unknown + "expected " + Suggestions.either(names) + (spec.parent() == null ? " (clnn help)" : "");
    }

    /** What the sub-commands of {@code spec} are called in messages. */
    private static String noun(CommandSpec spec) {
        return spec.userObject() instanceof BenchCommand ? "benchmark" : "command";
    }

    private static boolean given(OptionSpec option, List<String> args) {
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return true;
                }
            }
        }
        return false;
    }
}
