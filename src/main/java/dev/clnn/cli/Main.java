package dev.clnn.cli;

import dev.clnn.device.ClDevice;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code clnn} command line: devices, train, eval, step, schedule, bench, tune, selfcheck, version, completion,
 * help. picocli parses (see {@link ClnnCommand} for the tree); every error, bad input or failure, is one line on
 * stderr and exit code 1; no command at all prints the overview on stderr with exit code 2.
 */
public final class Main {
    /** The system property that also turns on the kernel compiler's diagnostics, without --debug. */
    private static final String DEBUG_PROPERTY = "clnn.debug";

    private Main() {
    }

    public static void main(String[] args) {
        // One line per log record (the JDK default spends two), unless the user configured logging.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "clnn: %5$s%6$s%n");
        }
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    /**
     * Runs a command and returns the exit code; an error is one line on {@code err} (a stack trace before it with
     * --debug). Help and versions go to {@code out} with exit code 0.
     *
     * @param interactive whether {@code out} is a terminal (train draws a progress bar there)
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        List<String> arguments = List.of(args);
        // Read before parsing, so that a parse error gets its stack trace too.
        boolean debug = arguments.contains("--debug");
        // The kernel compiler's warnings and build logs for this run only: in-process callers (tests) run many
        // commands in one JVM, each with its own --debug.
        boolean diagnostics = Boolean.getBoolean(DEBUG_PROPERTY);
        ClDevice.setCompilerDiagnostics(debug || diagnostics);
        ErrorReport errors = new ErrorReport(err, debug, Path.of(System.getProperty("java.io.tmpdir")));
        try {
            if (args.length == 0) {
                err.println(ClnnCommand.overview());
                return 2;
            }
            return dispatch(ClnnCommand.commandLine(out, interactive).parseArgs(args), out);
        } catch (ParameterException e) {
            return errors.report(new IllegalArgumentException(UsageErrors.message(e, arguments), e));
        } catch (RuntimeException e) {
            return errors.report(e);
        } finally {
            ClDevice.setCompilerDiagnostics(diagnostics);
        }
    }

    /** Prints the help or version that was asked for, else runs the command named last. */
    private static int dispatch(ParseResult parsed, PrintStream out) {
        ParseResult level = parsed;
        while (true) {
            if (level.isUsageHelpRequested()) {
                if (level.commandSpec().parent() == null) {
                    out.println(ClnnCommand.overview());
                } else {
                    level.commandSpec().commandLine().usage(out, Ansi.OFF);
                }
                return 0;
            }
            if (level.isVersionHelpRequested()) {
                Versions.lines().forEach(out::println);
                return 0;
            }
            if (!level.hasSubcommand()) {
                break;
            }
            level = level.subcommand();
        }
        Object command = level.commandSpec().userObject();
        if (!(command instanceof Callable<?> callable)) {
            throw new IllegalArgumentException("say which command to run (clnn help)");
        }
        try {
            return (Integer) callable.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(level.commandSpec().qualifiedName() + " failed: " + e, e);
        }
    }
}
