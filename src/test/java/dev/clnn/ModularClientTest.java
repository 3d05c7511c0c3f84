package dev.clnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modular application ({@code requires dev.clnn;}) compiles against the library jar on the module path and runs the
 * README's library example there, on the JVM the tests run on, printing no warning. It needs the packaged jar, whose
 * manifest names the module, so Maven runs it after the package phase (tag modular, pom.xml's modular-client
 * execution), with the jar in the system property clnn.libraryJar.
 */
@Tag("modular")
class ModularClientTest {
    private static final Path README = Path.of("README.md");
    private static final Path RESOLVED = Path.of("target/runtime-dependencies.txt");
    /** The README's example trains an MLP on 120 rows for at most 300 epochs: seconds; a generous bound for CI. */
    private static final long RUN_SECONDS = 300;

    @TempDir
    Path tmp;

    @Test
    void aModularApplicationRunsTheReadmeExampleWithoutWarnings() throws IOException, InterruptedException {
        String property = System.getProperty("clnn.libraryJar");
        assertNotNull(property, "clnn.libraryJar names the packaged library jar (pom.xml, modular-client)");
        Path library = Path.of(property);
        assertTrue(Files.isRegularFile(library), library + " is built by the package phase");
        ModuleDescriptor descriptor = ModuleFinder.of(library).findAll().iterator().next().descriptor();
        assertEquals("dev.clnn", descriptor.name(), "the library jar's module name");
        assertTrue(descriptor.isAutomatic());
        String modulePath = library + File.pathSeparator + joclJar();

        Path sources = writeClient(tmp.resolve("src"));
        Path classes = tmp.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, "--module-path", modulePath, "-d", classes.toString(),
                sources.resolve("module-info.java").toString(),
                sources.resolve("example/iris/IrisClient.java").toString());
        assertEquals(0, status, "the modular client compiles:\n" + diagnostics.toString(StandardCharsets.UTF_8));

        Path work = tmp.resolve("work"); // the example reads data/iris/iris.csv and writes iris.safetensors here
        Files.createDirectories(work.resolve("data/iris"));
        Files.copy(Path.of("data/iris/iris.csv"), work.resolve("data/iris/iris.csv"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // JOCL is the automatic module jocl on the module path: native access is enabled by module name there.
        Process run = new ProcessBuilder(java, "--enable-native-access=jocl",
                "--module-path", classes + File.pathSeparator + modulePath,
                "-m", "example.iris/example.iris.IrisClient")
                .directory(work.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        boolean ended = run.waitFor(RUN_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            run.destroyForcibly();
        }
        String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8);
        assertTrue(ended, "the client ended within " + RUN_SECONDS + " s; it printed:\n" + out + err);
        assertEquals(0, run.exitValue(), "the client's exit status; it printed:\n" + out + err);
        assertFalse(err.contains("WARNING"), "the JVM warned:\n" + err);
        List<String> predictions = out.lines().filter(l -> l.contains("(p = ")).toList();
        assertEquals(3, predictions.size(), "a line per flower:\n" + out);
        List<String> species = List.of("setosa", "versicolor", "virginica");
        for (int i = 0; i < 3; i++) {
            // the three flowers of the example are typical of their species, which any fit of iris gets right
            assertTrue(predictions.get(i).matches(species.get(i) + " \\(p = [01]\\.\\d{3}\\)"), predictions.get(i));
        }
        assertTrue(Files.size(work.resolve("iris.safetensors")) > 0, "the example saves the model");
    }

    /** JOCL's jar, as Maven resolved it for the build (dependency:list, pom.xml). */
    private static Path joclJar() throws IOException {
        Matcher m = Pattern.compile(":(\\S+/jocl-[^/\\s]+\\.jar)").matcher(Files.readString(RESOLVED));
        assertTrue(m.find(), "JOCL's jar in " + RESOLVED);
        return Path.of(m.group(1));
    }

    /** module-info.java and the client class, whose main is the README's example as it stands. */
    private static Path writeClient(Path sources) throws IOException {
        String readme = Files.readString(README);
        int section = readme.indexOf("## As a library");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        int end = readme.indexOf("```", start);
        assertTrue(section >= 0 && start > section && end > start, "the java block of the README's library section");
        String example = readme.substring(start, end);
        Files.createDirectories(sources.resolve("example/iris"));
        Files.writeString(sources.resolve("module-info.java"), "module example.iris {\n    requires dev.clnn;\n}\n");
        Files.writeString(sources.resolve("example/iris/IrisClient.java"), """
                package example.iris;

                import dev.clnn.data.DataSource;
                import dev.clnn.train.EarlyStopping;
                import dev.clnn.train.TrainOptions;
                import dev.clnn.train.TrainedModel;
                import dev.clnn.train.Trainer;
                import dev.clnn.train.TrainingData;
                import java.nio.file.Path;

                public final class IrisClient {
                    public static void main(String[] args) throws Exception {
                """ + example.indent(8) + """
                    }
                }
                """);
        return sources;
    }
}
