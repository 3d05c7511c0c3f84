package dev.clnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.Safetensors;
import dev.clnn.fixtures.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XChart, progressbar (with jline), picocli and ONNX's protobuf classes are optional dependencies in pom.xml: a
 * project that depends on dev.clnn:clnn does not get them. This runs {@link LibraryOnlyRun} in a JVM with only what such a project has
 * (clnn's classes and JOCL, plus this test's classes) and checks that training and saving work and that a plot
 * and an ONNX export are refused with a message naming the missing library.
 */
class LibraryWithoutCliDependenciesTest {
    @TempDir
    Path tmp;

    @Test
    void theLibraryTrainsAndSavesWithoutTheCommandLinesLibraries() throws IOException, InterruptedException {
        List<String> classPath = libraryClassPath();
        Process process = new ChildJvm(LibraryOnlyRun.class).classpath(classPath).builder(tmp.toString())
                .redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        } finally {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), "class path " + classPath + ":\n" + output);
        assertTrue(output.matches("(?s)readme example: loss .* -> .*, accuracy 1\\.00\n.*"), output);
        // On a "terminal" without progressbar the trainer falls back to plain lines.
        assertTrue(output.contains("  epoch 1/2 ["), output);
        assertTrue(output.contains("saved " + tmp.resolve("trainer.safetensors")), output);
        assertTrue(output.contains("\ntest accuracy "), output);
        assertTrue(output.contains("fit: predicted setosa"), output);
        assertTrue(output.contains("plot refused: a plot (TrainOptions.plot, --plot) needs org.knowm.xchart:xchart"
                + " on the class path"), output);
        assertTrue(output.contains("export refused: ONNX export needs org.tribuo:tribuo-util-onnx on the class path"),
                output);
        assertFalse(output.contains("Exception"), output);
        assertTrue(Safetensors.read(tmp.resolve("readme.safetensors")).tensors().containsKey("2.weight"));
        assertTrue(Safetensors.read(tmp.resolve("trainer.safetensors")).tensors().containsKey("0.weight"));
    }

    /** The test class path without the optional libraries and JUnit: clnn's classes, test classes, JOCL. */
    private static List<String> libraryClassPath() {
        String full = ChildJvm.testClasspath();
        List<String> kept = new ArrayList<>();
        boolean jocl = false;
        for (String entry : full.split(File.pathSeparator)) {
            String unix = entry.replace(File.separatorChar, '/');
            if (unix.endsWith("/classes") || unix.endsWith("/test-classes")) {
                kept.add(entry);
            } else if (unix.contains("/org/jocl/")) {
                kept.add(entry);
                jocl = true;
            }
        }
        assertTrue(jocl && kept.size() == 3, "expected classes, test-classes and JOCL in " + full);
        return kept;
    }
}
