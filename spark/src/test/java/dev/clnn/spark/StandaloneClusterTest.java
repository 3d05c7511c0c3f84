package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.cli.Main;
import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clnn-spark train} submitted to a Spark standalone cluster on this machine: {@code spark/local-cluster} starts
 * a master and two workers of one core, each a JVM of its own, so each executor is a process that can be killed, and
 * submits {@code target/clnn-spark.jar} through SparkSubmit, as an operator would. The driver and the executors train
 * on the CPU reference. Tagged {@code cluster}: the surefire execution {@code standalone-cluster} runs it in
 * {@code mvn verify}, after the package phase has built the jar. The cluster's SPARK_HOME, logs and the executors'
 * output are in {@code target/standalone-cluster-test}.
 */
@Tag("cluster")
class StandaloneClusterTest {
    /**
     * The run, K = 1 over two replicas: two epochs of the bundled MNIST (125 rounds each). A small model keeps a
     * submission near a minute on two cores, where the executors' start and the rounds' overhead dominate anyway.
     */
    private static final List<String> TRAINING = List.of("--model", "linear(784,64),relu,linear(64,10)", "--epochs",
            "2", "--seed", "1");
    private static final Duration SUBMISSION_LIMIT = Duration.ofMinutes(6);
    private static final Map<String, String> DRIVER = Map.of("CLNN_DRIVER_MEMORY", "1g");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    static Path dir;
    private static LocalCluster cluster;
    /** The same training in this JVM: {@code clnn train --devices cpu,cpu}, and on one CPU device. */
    private static Path devicesWeights;
    private static Path singleWeights;
    private static final List<Process> submissions = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        LocalCluster.assumeSupported();
        cluster = new LocalCluster("standalone-cluster-test", dir);
        cluster.start("--workers", "2", "--cores", "1");

        devicesWeights = dir.resolve("devices.safetensors");
        singleWeights = dir.resolve("single.safetensors");
        trainHere(devicesWeights, "--devices", "cpu,cpu");
        trainHere(singleWeights, "--device", "cpu");
    }

    @AfterAll
    static void stop() throws Exception {
        synchronized (submissions) {
            submissions.forEach(Process::destroyForcibly);
        }
        if (cluster != null) {
            cluster.stop();
        }
    }

    /**
     * K = 1 sums the two replicas' gradients as {@code --devices cpu,cpu} sums its replicas', here with the replicas
     * in two executor JVMs and the driver in a third: the weights are that run's, bit for bit, and one device's within
     * {@link SparkTrainingTest#K1_TOLERANCE}. That tolerance was argued for ~20 steps; these 250 steps of SGD at lr ≤
     * 0.05 do not amplify the rounding by more than a small factor either: this model ends 1.6e-7 apart (the largest
     * tensor's relative L2), the bundled MNIST's default model 1.5e-7 (7e-7 on POCL, docs/spark.md).
     */
    @Test
    void oneLocalStepOnAClusterIsDevicesTrainingBitForBit() throws Exception {
        Path weights = dir.resolve("cluster.safetensors");
        Submission run = new Submission(weights);
        run.finish();
        SparkTrainingTest.assertSameWeights(devicesWeights, weights);
        Map<String, TensorEntry> single = Safetensors.read(singleWeights).tensors();
        Map<String, TensorEntry> cluster = Safetensors.read(weights).tensors();
        for (String name : single.keySet()) {
            double rel = SparkTrainingTest.relativeDifference(single.get(name).toFloats(),
                    cluster.get(name).toFloats());
            assertTrue(rel <= SparkTrainingTest.K1_TOLERANCE, name + ": relative L2 difference from one device " + rel);
        }
    }

    /**
     * One of the two executor JVMs killed with SIGKILL ten steps into epoch 1's barrier segment (125 steps; the
     * executors log each task's entry into the barrier's sync): Spark loses its tasks, cached shards and shuffle
     * output and fails the segment, the worker starts a new executor, the driver runs the segment again from its
     * start, and the run ends with the weights of an unbroken run, bit for bit.
     */
    @Test
    void anExecutorKilledMidRunLeavesTheWeightsUnchanged() throws Exception {
        Path weights = dir.resolve("killed.safetensors");
        Set<Path> before = executorLogs();
        Submission run = new Submission(weights);
        awaitBarrierSyncs(before, 2 * 10);
        List<Long> executors = cluster.executors();
        assertEquals(2, executors.size(), "one executor per worker: " + executors);
        ProcessHandle victim = ProcessHandle.of(executors.get(0))
                .orElseThrow(() -> new AssertionError("executor " + executors.get(0) + " is gone"));
        assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid()); // no shutdown hooks run
        victim.onExit().get(30, TimeUnit.SECONDS);
        String driverLog = run.finish();
        assertTrue(driverLog.contains("Lost executor"), "the driver never noticed the kill:\n" + driverLog);
        assertTrue(driverLog.contains("running them again"), "no segment was run again:\n" + driverLog);
        SparkTrainingTest.assertSameWeights(devicesWeights, weights);
    }

    /** The executors' stderr files of every application so far. */
    private static Set<Path> executorLogs() throws IOException {
        try (Stream<Path> files = Files.walk(cluster.home().resolve("work"))) {
            return files.filter(f -> f.getFileName().toString().equals("stderr")).collect(Collectors.toSet());
        }
    }

    /** Waits until the executors of applications started since {@code before} have entered n barrier syncs. */
    private static void awaitBarrierSyncs(Set<Path> before, int n) throws Exception {
        long deadline = System.nanoTime() + SUBMISSION_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            long syncs = 0;
            for (Path log : executorLogs()) {
                if (!before.contains(log)) {
                    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
                        syncs += lines.filter(l -> l.contains("has entered the global sync")).count();
                    }
                }
            }
            if (syncs >= n) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the executors did not reach " + n + " barrier syncs within " + SUBMISSION_LIMIT);
    }

    /** {@code clnn train TRAINING DEVICE_OPTIONS --save weights} in this JVM, as {@code ./clnn train} runs it. */
    private static void trainHere(Path weights, String... deviceOptions) {
        List<String> args = new ArrayList<>(List.of("train", "--quiet"));
        args.addAll(TRAINING);
        args.addAll(List.of(deviceOptions));
        args.addAll(List.of("--save", weights.toString()));
        assertEquals(0, Main.run(args.toArray(String[]::new), QUIET, QUIET, false), "clnn " + args);
    }

    /** {@code local-cluster submit train TRAINING --partitions 2 --device cpu --save weights}, running. */
    private static final class Submission {
        private final Process process;
        private final Path driverLog;
        private final List<String> out = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        Submission(Path weights) throws IOException {
            List<String> args = new ArrayList<>(List.of("submit", "train", "--partitions", "2", "--local-steps", "1",
                    "--device", "cpu", "--save", weights.toString()));
            args.addAll(TRAINING);
            driverLog = dir.resolve(weights.getFileName() + ".driver.log");
            process = cluster.command(DRIVER, args.toArray(String[]::new)).redirectError(driverLog.toFile()).start();
            submissions.add(process);
            reader = new Thread(this::read, "submission stdout");
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    out.add(line);
                }
            } catch (IOException e) {
                out.add("(stdout unreadable: " + e + ")");
            }
        }

        /** Waits for the driver to end; checks that it succeeded with a final test line and returns its log. */
        String finish() throws Exception {
            boolean ended = process.waitFor(SUBMISSION_LIMIT.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            reader.join();
            assertTrue(ended, "the driver ran over " + SUBMISSION_LIMIT + "\n" + report());
            assertEquals(0, process.exitValue(), report());
            assertTrue(out.get(out.size() - 1).matches("test accuracy [0-9.]+%"), report());
            return Files.readString(driverLog);
        }

        private String report() throws IOException {
            return "stdout:\n" + String.join("\n", out) + "\ndriver log (stderr):\n" + Files.readString(driverLog);
        }
    }
}
