package dev.clnn.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code clnn completion}: picocli's bash (and zsh) completion script for every command and option. */
@Command(name = "completion", sortOptions = false,
        description = "Prints a completion script for bash and zsh that completes commands and options.",
        footer = {"  clnn completion > ~/.local/share/bash-completion/completions/clnn",
            "  source <(clnn completion)     # in this shell only"})
final class CompletionCommand implements Callable<Integer> {
    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    CompletionCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        return 0;
    }
}
