package dev.clnn.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code clnn version}, the same as {@code clnn --version}. */
@Command(name = "version", sortOptions = false,
        description = "Prints clnn's version, JOCL's, and each OpenCL device with its platform, OpenCL version and"
            + " driver (or why there is no OpenCL platform).",
        footer = {"  clnn version", "  clnn --version"})
final class VersionCommand implements Callable<Integer> {
    private final PrintStream out;

    @Mixin
    CommonOptions common;

    VersionCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        Versions.lines().forEach(out::println);
        return 0;
    }
}
