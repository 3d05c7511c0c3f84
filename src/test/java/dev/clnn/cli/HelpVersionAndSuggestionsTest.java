package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command-line conventions: --help on every command, --version, and the nearest name for a mistyped one. */
class HelpVersionAndSuggestionsTest {
    /** Every command, as typed; each must answer --help with its own usage and examples. */
    @ParameterizedTest
    @ValueSource(strings = {"devices", "train", "eval", "predict", "step", "schedule", "bench", "bench gemm", "bench ops",
        "bench train", "tune", "selfcheck", "version", "completion", "help"})
    void everyCommandAnswersHelpWithItsOwnUsageAndExamples(String command) {
        for (String flag : List.of("--help", "-h")) {
            String[] words = (command + " " + flag).split(" ");
            CliRun r = CliRun.of(words);
            assertEquals(0, r.code(), command + " " + flag + " -> " + r.err());
            assertEquals("", r.err());
            assertTrue(r.out().startsWith("Usage: clnn " + command + " "), r.out());
            assertTrue(r.out().contains("\nExamples:\n  clnn " + command), r.out());
            assertTrue(r.out().contains("  -h, --help "), r.out());
        }
    }

    @Test
    void helpNamingACommandPrintsTheSameAsTheCommandsOwnHelp() {
        assertEquals(CliRun.of("train", "--help").out(), CliRun.of("help", "train").out());
        assertEquals(CliRun.of("bench", "gemm", "--help").out(), CliRun.of("help", "bench", "gemm").out());
    }

    @Test
    void trainHelpShowsTheLibraryDefaults() {
        String help = CliRun.of("train", "--help").out();
        assertTrue(help.contains("--epochs=N             passes over the training set (default: 10)"), help);
        assertTrue(help.contains("(default: 0.05)"), help);
        assertTrue(help.contains("(default: cosine)"), help);
    }

    @Test
    void rootHelpAndNoArgumentsPrintTheOverview() {
        for (String flag : List.of("--help", "-h", "help")) {
            CliRun r = CliRun.of(flag);
            assertEquals(0, r.code());
            assertEquals(ClnnCommand.overview() + "\n", r.out());
        }
        CliRun none = CliRun.of();
        assertEquals(2, none.code(), "no command is a usage error");
        assertEquals("", none.out());
        assertEquals(ClnnCommand.overview() + "\n", none.err());
    }

    @Test
    void versionNamesClnnJoclAndTheOpenClPlatformsOrWhyThereAreNone() {
        for (String flag : List.of("--version", "-V", "version")) {
            CliRun r = CliRun.of(flag);
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err());
            String[] lines = r.out().split("\n");
            // Maven filters the version into the resource; "unknown" would mean the build lost it.
            assertTrue(lines[0].matches("clnn \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines[0]);
            assertTrue(lines[1].matches("JOCL \\d+\\.\\d+\\.\\d+"), lines[1]);
            assertTrue(lines.length >= 3, r.out());
            for (int i = 2; i < lines.length; i++) {
                // Both worlds: with OpenCL a line per device, without it one line saying why.
                assertTrue(lines[i].matches("OpenCL platform \\d+ .+: opencl:\\d+:\\d+ .+, driver .+")
                        || lines.length == 3 && lines[i].startsWith("no OpenCL platform: "), lines[i]);
            }
        }
    }

    @Test
    void aMistypedOptionSuggestsTheNearestOne() {
        assertOneLine("clnn: train: unknown option --epoch; did you mean --epochs?", "train", "--epoch", "3");
        assertOneLine("clnn: schedule: unknown option --step; did you mean --steps?", "schedule", "--schedule",
                "cosine", "--lr", "1", "--step", "5");
        assertOneLine("clnn: eval: unknown option --weigths; did you mean --weights?", "eval", "--weigths", "w");
        assertOneLine("clnn: train: unknown option --batch-size; did you mean --batch?", "train", "--batch-size",
                "8");
        assertOneLine("clnn: unknown option --versoin; did you mean --version?", "--versoin");
    }

    @Test
    void anOptionFarFromEveryNameIsNamedWithWhereTheListIs() {
        assertOneLine("clnn: train: unknown option --xyz (clnn train --help lists the options)", "train", "--xyz");
        assertOneLine("clnn: bench: unknown option --n; options go after the benchmark: clnn bench gemm|ops|train"
                + " [options]", "bench", "--n", "5");
    }

    @Test
    void aMistypedCommandSuggestsTheNearestOne() {
        assertOneLine("clnn: unknown command \"trian\"; did you mean train?", "trian");
        assertOneLine("clnn: unknown command \"devics\"; did you mean devices?", "devics");
        assertOneLine("clnn: bench: unknown benchmark \"gemn\"; did you mean gemm?", "bench", "gemn");
        assertOneLine("clnn: unknown command \"trian\"; did you mean train?", "help", "trian");
        assertOneLine("clnn: unknown command \"fly\"; expected devices, train, eval, predict, export, step, schedule,"
                + " bench, tune, selfcheck, version, completion or help (clnn help)", "fly");
    }

    @Test
    void aMissingValueOrRequiredOptionIsNamed() {
        assertOneLine("clnn: train: option --epochs needs a value", "train", "--epochs");
        assertOneLine("clnn: train: option --model needs a value", "train", "--model", "--data", "d");
        assertOneLine("clnn: eval: option --weights is required", "eval", "--model", "mlp");
        assertOneLine("clnn: train: unexpected argument \"3\"", "train", "3");
        assertOneLine("clnn: bench: say what to measure: gemm, ops or train", "bench");
    }

    @Test
    void debugPutsTheStackTraceBeforeTheOneLineAndLeavesNoPropertyBehind() {
        CliRun r = CliRun.of("train", "--debug", "--epoch", "3");
        assertEquals(1, r.code());
        String[] lines = r.err().split("\n");
        assertTrue(lines.length > 3 && lines[1].startsWith("\tat "), r.err());
        assertEquals("clnn: train: unknown option --epoch; did you mean --epochs?", lines[lines.length - 1]);
        // --debug turns on compiler diagnostics through ClDevice for the run; it leaves no system property behind.
        assertEquals(null, System.getProperty("clnn.debug"));
    }

    @Test
    void completionIsABashScriptCoveringCommandsAndOptions() {
        CliRun r = CliRun.of("completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().lines().findFirst().orElse(""));
        assertTrue(r.out().contains("complete -F _complete_clnn"), "registers the completion function");
        assertTrue(r.out().contains("--continue-on-nan"), "train's options are completed");
    }

    private static void assertOneLine(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(1, r.code(), String.join(" ", args));
        assertEquals(expected + "\n", r.err(), String.join(" ", args));
        assertEquals("", r.out());
    }
}
