package dev.clnn.cli;

import picocli.CommandLine.Option;

/** The options every command takes: its help, and --debug. */
final class CommonOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    /** Read by {@link Main} from the raw arguments, so that errors while parsing get a stack trace too. */
    @Option(names = "--debug", description = "on an error, print the stack trace; show the OpenCL compiler's output")
    boolean debug;
}
