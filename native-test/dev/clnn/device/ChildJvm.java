package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link DeviceWorkloads} in a fresh JVM on the test classpath, for what only a new process shows: a crash of
 * the driver, the first platform discovery, the compiler's writes to the process's stderr.
 */
final class ChildJvm {
    /** Generous: a child builds a kernel or two; a hang is a failure, not a wait. */
    private static final long TIMEOUT_MINUTES = 3;

    /** How a child ended and what it wrote. */
    record Result(int exitCode, String stdout, String stderr) {
        /** Everything the child wrote, for failure messages. */
        String output() {
            return "exit code " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    private final Map<String, String> environment = new HashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> classpathFirst = new ArrayList<>();

    ChildJvm environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    ChildJvm property(String name, String value) {
        jvmOptions.add("-D" + name + "=" + value);
        return this;
    }

    /** Puts {@code dir} ahead of the test classpath, e.g. to add resources. */
    ChildJvm classpathFirst(Path dir) {
        classpathFirst.add(dir.toString());
        return this;
    }

    /** Runs {@code DeviceWorkloads} with {@code args}, keeping its output in files under {@code dir}. */
    Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> classpath = new ArrayList<>(classpathFirst);
        classpath.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // No hs_err file in the working folder when a driver crashes the child: the exit code says enough.
        command.add("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(DeviceWorkloads.class.getName());
        command.addAll(List.of(args));
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "child", ".out");
        Path err = Files.createTempFile(dir, "child", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            fail("child JVM " + String.join(" ", args) + " did not finish in " + TIMEOUT_MINUTES + " minutes:\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
