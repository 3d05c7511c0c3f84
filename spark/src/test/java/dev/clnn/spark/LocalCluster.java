package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code spark/local-cluster} driven from a test: a standalone cluster whose SPARK_HOME, logs and executor output are
 * {@code target/NAME}, so two test classes never share one. Each command's output goes to a file in a folder the
 * test gives.
 */
final class LocalCluster {
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(3);
    private static final Path SCRIPT = Path.of("local-cluster").toAbsolutePath();

    private final Path home;
    private final Path logs;

    LocalCluster(String name, Path logs) {
        this.home = Path.of("target", name).toAbsolutePath();
        this.logs = logs;
    }

    /** Skips the calling test class where the script cannot run (it needs bash and Linux's /proc); CI never skips. */
    /** The cluster's folder: its SPARK_HOME, logs, and the workers' work folders with the executors' output. */
    Path home() {
        return home;
    }

    static void assumeSupported() {
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")),
                    "clnn standalone cluster test skipped: spark/local-cluster needs bash and Linux's /proc");
        }
    }

    /** Stops a cluster left behind by an interrupted run, then starts one: {@code local-cluster start OPTIONS}. */
    void start(String... options) throws IOException, InterruptedException {
        run("stop");
        List<String> args = new ArrayList<>(List.of("start"));
        args.addAll(List.of(options));
        List<String> started = run(args.toArray(String[]::new));
        assertTrue(started.get(started.size() - 1).startsWith("spark://127.0.0.1:"), String.join("\n", started));
    }

    /** Stops the cluster, if this run got as far as making its folder. */
    void stop() throws IOException, InterruptedException {
        if (Files.isDirectory(home)) {
            run("stop");
        }
    }

    /** The process ids of the executors now running. */
    List<Long> executors() throws IOException, InterruptedException {
        return run("executors").stream().map(Long::parseLong).toList();
    }

    /** Runs {@code local-cluster ARGS} to its end; returns its output lines (stdout, stderr) less its own notes. */
    List<String> run(String... args) throws IOException, InterruptedException {
        Path output = Files.createTempFile(logs, "local-cluster", ".log");
        Process p = command(Map.of(), args).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("local-cluster " + String.join(" ", args) + " ran over " + SCRIPT_LIMIT + ":\n"
                    + Files.readString(output));
        }
        List<String> lines = Files.readAllLines(output);
        assertEquals(0, p.exitValue(), "local-cluster " + String.join(" ", args) + ":\n" + String.join("\n", lines));
        return lines.stream().filter(l -> !l.startsWith("local-cluster: ")).toList();
    }

    /** {@code local-cluster ARGS} on this cluster, not started, with {@code environment} added to the script's. */
    ProcessBuilder command(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CLNN_CLUSTER_DIR", home.toString());
        builder.environment().putAll(environment);
        return builder;
    }
}
