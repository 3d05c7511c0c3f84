package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.fixtures.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's compiler writes straight to the process's stderr (POCL's clang prints "2 warnings generated."), which
 * only a child JVM's stderr shows. A kernel file with two warnings, put on the child's classpath, is built with the
 * disk cache off and an empty POCL cache, so the compiler really runs.
 */
@Tag("opencl")
class CompilerOutputTest {
    private static final String WARNING_KERNEL = """
            __kernel void warns(__global float *x) {
                x[0];
                int a = 1;
                if (a = 2) {
                    x[1] = 1.0f;
                }
            }
            """;

    @TempDir
    Path work;
    private ChildJvm child;

    @BeforeEach
    void kernelWithWarnings() throws IOException {
        OpenClTestSupport.requireDevice();
        Path resources = work.resolve("resources");
        Files.writeString(Files.createDirectories(resources.resolve("kernels")).resolve("warns.cl"), WARNING_KERNEL);
        child = new ChildJvm(DeviceWorkloads.class).classpathFirst(resources).environment("CLNN_KERNEL_CACHE", "off")
                .environment("POCL_CACHE_DIR", Files.createDirectories(work.resolve("pocl-cache")).toString());
    }

    @Test
    void compilerWarningsStayOutOfStderrByDefault() throws IOException, InterruptedException {
        ChildJvm.Result result = child.run(work, "build", OpenClTestSupport.selector(), "warns.cl");
        assertEquals(0, result.exitCode(), result.output());
        assertFalse(result.stderr().toLowerCase(Locale.ROOT).contains("warning"), result.output());
    }

    @Test
    void withDiagnosticsOnTheBuildLogIsLoggedWithItsWarnings() throws IOException, InterruptedException {
        // POCL's compiler puts its warnings in the build log; Mesa's rusticl leaves the log empty.
        Assumptions.assumeTrue(OpenClTestSupport.deviceInfo().platformName().contains("Portable Computing Language"),
                "only POCL's build log carries the compiler's warnings");
        ChildJvm.Result result = child.property("clnn.debug", "true").run(work, "build", OpenClTestSupport.selector(), "warns.cl");
        assertEquals(0, result.exitCode(), result.output());
        String stderr = result.stderr();
        int log = stderr.indexOf("build log of kernels/warns.cl");
        assertTrue(log >= 0 && stderr.indexOf("warning", log) > log, result.output());
    }

}
