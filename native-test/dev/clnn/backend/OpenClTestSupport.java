package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL backend shared by the native tests (one context per test JVM). Without an OpenCL runtime the tests are
 * skipped with one line saying so, except under {@code CI=true}, where a missing device is a failure.
 * {@code CLNN_TEST_DEVICE} picks the device (default: {@code opencl}, the first GPU or else the first device).
 */
public final class OpenClTestSupport {
    private static OpenClBackend backend;
    private static final Map<ConvAlgorithm, OpenClBackend> FORCED = new EnumMap<>(ConvAlgorithm.class);
    private static boolean announced;

    private OpenClTestSupport() {
    }

    public static synchronized OpenClBackend backend() {
        requireDevice();
        if (backend == null) {
            backend = OpenClBackend.open(selector());
        }
        return backend;
    }

    /**
     * A backend on the test device whose convolution layers use {@code algorithm} wherever it applies: a context of
     * its own per algorithm, kept for the test JVM like the shared one.
     */
    public static synchronized OpenClBackend backend(ConvAlgorithm algorithm) {
        requireDevice();
        return FORCED.computeIfAbsent(algorithm, a -> {
            DeviceInfo info = ClDevice.select(selector());
            return new OpenClBackend(ClDevice.open(info), ConvPolicy.forDevice(info.gpu()).forcing(a));
        });
    }

    /** The selector of the device the native tests use: {@code CLNN_TEST_DEVICE}, else {@code opencl}. */
    public static String selector() {
        return System.getenv().getOrDefault("CLNN_TEST_DEVICE", "opencl");
    }

    /** The device the native tests use, after {@link #requireDevice}. */
    public static DeviceInfo deviceInfo() {
        requireDevice();
        return ClDevice.select(selector());
    }

    /** Skips (locally) or fails (CI) when no OpenCL device exists. */
    public static synchronized void requireDevice() {
        if (ClDevice.available()) {
            return;
        }
        String why = ClDevice.problems().isEmpty() ? "no OpenCL device found" : String.join("; ", ClDevice.problems());
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true requires an OpenCL device for the native tests, but " + why);
        }
        if (!announced) {
            announced = true;
            System.err.println("clnn native tests skipped: " + why);
        }
        Assumptions.abort("no OpenCL device: " + why);
    }
}
