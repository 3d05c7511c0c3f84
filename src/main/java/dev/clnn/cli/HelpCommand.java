package dev.clnn.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clnn help [COMMAND…]}: the overview, or one command's usage and examples. */
@Command(name = "help", sortOptions = false,
        description = "Prints the overview of the commands, or with a command the same as clnn COMMAND --help.",
        footer = {"  clnn help", "  clnn help train", "  clnn help bench gemm"})
final class HelpCommand implements Callable<Integer> {
    private final PrintStream out;

    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "a command, e.g. train or bench gemm")
    List<String> path = new ArrayList<>();

    @Mixin
    CommonOptions common;

    HelpCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        if (path.isEmpty()) {
            out.println(ClnnCommand.overview());
            return 0;
        }
        CommandLine command = spec.root().commandLine();
        for (String name : path) {
            CommandLine next = command.getSubcommands().get(name);
            if (next == null) {
                // The same message as the command itself would give, suggestion included.
                throw new CommandLine.UnmatchedArgumentException(command, List.of(name));
            }
            command = next;
        }
        command.usage(out, Ansi.OFF);
        return 0;
    }
}
