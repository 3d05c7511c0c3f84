package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.DeviceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No kernel needs double precision, which many devices lack (Mesa's rusticl on llvmpipe, most consumer GPUs at
 * useful speed): the sources in kernels/, read as text without their comments, name no {@code double} type and no
 * cl_khr_fp64, and have no unsuffixed floating literal (a double where fp64 exists, so results would differ between
 * devices); the build options are integer {@code -D} macros only.
 */
class KernelPrecisionTest {
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    private static final Pattern DOUBLE = Pattern.compile("\\bdouble\\d*\\b|cl_khr_fp64|\\bfp64\\b");
    /** A floating literal without the f suffix: 0.5, .5, 1e-3, 2.0e4 (not 0.5f, 1e-3f, float4). */
    private static final Pattern UNSUFFIXED = Pattern.compile(
            "(?<![\\w.])(?:\\d+\\.\\d*|\\.\\d+|\\d+(?=[eE]))(?:[eE][-+]?\\d+)?(?![\\w.])");
    /** Integer macros, after a file's fixed -cl-… flags (adam.cl's correctly rounded sqrt), which hold no number. */
    private static final Pattern OPTIONS = Pattern.compile("(-cl-[a-z0-9-]+( |$))*(-D[A-Z][A-Z0-9_]*=\\d+( |$))*");

    @Test
    void noKernelSourceUsesDoublePrecision() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("kernels"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".cl")).sorted().toList()) {
                String code = COMMENT.matcher(Files.readString(file)).replaceAll(" ");
                for (Pattern p : List.of(DOUBLE, UNSUFFIXED)) {
                    Matcher m = p.matcher(code);
                    while (m.find()) {
                        found.add(file.getFileName() + ": '" + m.group() + "'");
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void thePatternsFindWhatTheyLookFor() {
        assertTrue(DOUBLE.matcher("double2 x").find());
        assertTrue(DOUBLE.matcher("#pragma OPENCL EXTENSION cl_khr_fp64 : enable").find());
        for (String literal : new String[] {"x * 0.5;", "x + .5;", "1e-30 +", "2.0e4)", "1.)"}) {
            assertTrue(UNSUFFIXED.matcher(literal).find(), literal);
        }
        for (String fine : new String[] {"x * 0.5f;", "1e-30f", "float4 v", "1.f", "x[2]", "INFINITY"}) {
            assertFalse(UNSUFFIXED.matcher(fine).find(), fine);
        }
    }

    @Test
    void buildOptionsOnADeviceWithoutFp64AreFlagsAndIntegerMacrosOnly() {
        DeviceInfo noFp64 = new DeviceInfo(0, 0, "rusticl", "OpenCL 3.0", "llvmpipe", "Mesa", "1", "OpenCL 3.0",
                false, 8, 4L << 30, 2L << 30, 32L << 10, 1024, false, false, 1, List.of(1024L, 1024L, 1024L));
        for (KernelTuning t : List.of(KernelTuning.forDevice(noFp64, null),
                KernelTuning.forDevice(noFp64, null).withBlockedGemm(false))) {
            for (Kernels k : Kernels.values()) {
                String options = k.buildOptions(t);
                assertTrue(OPTIONS.matcher(options).matches(), k + ": " + options);
            }
        }
    }
}
