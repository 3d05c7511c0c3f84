package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.ClDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class KernelBuildTest {

    private static List<String> kernelFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("kernels"))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".cl"))
                    .filter(f -> !f.equals("common.cl")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyKernelFileBuildsAloneWithItsDefaultDefinesAndWithTheBackendsOptions() throws IOException {
        OpenClBackend cl = OpenClTestSupport.backend();
        ClDevice device = cl.device();
        List<String> files = kernelFiles();
        assertFalse(files.isEmpty(), "no .cl files found under kernels/");
        for (String file : files) {
            device.build(file, "");
            device.build(file, cl.options(file));
        }
    }

    @Test
    void everyListedKernelExistsAndEveryFileIsUsed() throws IOException {
        OpenClBackend cl = OpenClTestSupport.backend();
        Set<String> used = new TreeSet<>();
        for (Kernels k : Kernels.values()) {
            cl.device().kernel(k.file(), k.kernelName(), cl.options(k.file()));
            used.add(k.file());
        }
        assertEquals(new TreeSet<>(kernelFiles()), used, "kernel files without a listed kernel, or listed files "
                + "that do not exist");
    }

    @Test
    void gemmBuildsForEveryTransposeAndTileSetting() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int tile : new int[] {4, 8, 16}) {
            if (tile * tile > cl.device().info().maxWorkGroupSize()) {
                continue;
            }
            for (int ta = 0; ta <= 1; ta++) {
                for (int tb = 0; tb <= 1; tb++) {
                    cl.device().kernel("matmul.cl", "gemm_tiled", "-DTS=" + tile + " -DTRANS_A=" + ta
                            + " -DTRANS_B=" + tb);
                }
            }
        }
        for (int rows : new int[] {1, 4, 8, 16}) {
            for (int vectors : new int[] {1, 2}) {
                String block = "-DRM=" + rows + " -DWN=" + vectors;
                for (String name : new String[] {"pack_a", "pack_b", "gemm_blocked", "gemm_blocked_partial",
                        "gemm_sum_splits"}) {
                    cl.device().kernel("gemm_blocked.cl", name, block);
                }
            }
        }
        assertTrue(cl.options("matmul.cl").startsWith("-DTS="));
    }
}
