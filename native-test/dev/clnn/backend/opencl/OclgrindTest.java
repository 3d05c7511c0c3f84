package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.fixtures.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kernel, in every variant, under Oclgrind with its memory checks, {@code --data-races} and
 * {@code --uninitialized}, with a GPU's limits (work-groups of at most 256, 48 KiB of local memory): any report fails
 * the test. Runs {@link OclgrindWorkload} in a child JVM whose only OpenCL
 * platform is Oclgrind (through an ICD file in a private vendors folder), and checks that the kernels it launched are
 * exactly those of the {@link Kernels} registry, so a kernel added without a case here fails. Needs Debian's
 * {@code oclgrind} package; without it the test is skipped, except under {@code CI=true}.
 */
@Tag("opencl")
class OclgrindTest {
    private static final Path ICD_LIBRARY = Path.of(
            System.getenv().getOrDefault("OCLGRIND_ICD_LIBRARY", "/usr/lib/oclgrind/liboclgrind-rt-icd.so"));
    /** The simulator interprets every work-item; the workload's shapes are small enough for a few minutes. */
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    @TempDir
    Path tmp;

    @Test
    void everyKernelRunsCleanUnderOclgrind() throws IOException, InterruptedException {
        if (!Files.isRegularFile(ICD_LIBRARY)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true requires oclgrind (apt-get install oclgrind); " + ICD_LIBRARY + " is missing");
            }
            Assumptions.abort("oclgrind is not installed (" + ICD_LIBRARY + " missing)");
        }
        Path vendors = Files.createDirectories(tmp.resolve("vendors"));
        Files.writeString(vendors.resolve("oclgrind.icd"), ICD_LIBRARY + "\n");
        Path log = tmp.resolve("oclgrind.log");
        ChildJvm.Result result = new ChildJvm(OclgrindWorkload.class).timeout(TIMEOUT)
                .environment("OCL_ICD_VENDORS", vendors.toString())
                .environment("OCLGRIND_DATA_RACES", "1")
                .environment("OCLGRIND_UNINITIALIZED", "1")
                .environment("OCLGRIND_CHECK_API", "1")
                // GPU-like limits, so the tuning and gemm_gpu's configurations are those a GPU would get.
                .environment("OCLGRIND_MAX_WGSIZE", Long.toString(OclgrindWorkload.MAX_WORK_GROUP))
                .environment("OCLGRIND_LOCAL_MEM_SIZE", Long.toString(OclgrindWorkload.LOCAL_MEM_BYTES))
                .environment("OCLGRIND_LOG", log.toString())
                .environment("CLNN_KERNEL_CACHE", "off")
                .run(tmp.resolve("workload"), "oclgrind");
        String out = result.stdout();
        String err = result.stderr();
        String reports = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        assertEquals("", reports.strip(), "Oclgrind reported problems:\n" + reports);
        // Oclgrind writes some diagnostics (API misuse, build output) to stderr rather than to its log.
        assertEquals("", err.strip(), "the workload wrote to stderr:\n" + err);
        assertEquals(0, result.exitCode(), "workload failed:\n" + out);
        assertEquals(registry(), launched(out), "kernels launched under Oclgrind vs the Kernels registry");
        assertTrue(out.contains(OclgrindWorkload.limits(OclgrindWorkload.MAX_WORK_GROUP,
                OclgrindWorkload.LOCAL_MEM_BYTES)), "Oclgrind did not take the GPU-like limits:\n" + out);
    }

    private static Set<String> registry() {
        Set<String> names = new TreeSet<>();
        for (Kernels k : Kernels.values()) {
            names.add(k.name());
        }
        return names;
    }

    /** The registry entries named on the workload's {@code launched kernels: A, B, ...} line. */
    private static Set<String> launched(String out) {
        for (String line : out.split("\n")) {
            if (line.startsWith(OclgrindWorkload.LAUNCHED)) {
                return new TreeSet<>(List.of(line.substring(OclgrindWorkload.LAUNCHED.length()).split(", ")));
            }
        }
        return fail("the workload printed no \"" + OclgrindWorkload.LAUNCHED + "\" line:\n" + out);
    }
}
