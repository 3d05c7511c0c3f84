package dev.clnn.backend;

import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Picks a backend from a device selector: {@code auto} (the default: first GPU, else any OpenCL device, else the
 * CPU reference, with one log line saying so), {@code cpu}, {@code opencl}, {@code opencl:P:D}, or a substring of an
 * OpenCL device name. Asking for OpenCL explicitly where none exists is an error, never a silent fallback.
 */
public final class Backends {
    /** Environment variable read when no selector is given. */
    public static final String ENV = "CLNN_DEVICE";
    /** System property read when no selector is given; wins over the environment variable. */
    public static final String PROPERTY = "clnn.device";

    private Backends() {
    }

    /** The selector from {@code clnn.device}, else {@code CLNN_DEVICE}, else {@code auto}. */
    public static String defaultSelector() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
        }
        return value == null || value.isBlank() ? "auto" : value.trim();
    }

    /** Opens the backend the default selector names. */
    public static Backend open() {
        return open(defaultSelector());
    }

    /** Opens the backend {@code selector} names. */
    public static Backend open(String selector) {
        return open(selector, Set.of());
    }

    /**
     * As {@link #open(String)}; an OpenCL backend also builds the programs of {@code firstStep} (the kernels a
     * model launches beyond every classifier's, see {@code FirstStepKernels}) in its first background build.
     */
    public static Backend open(String selector, Set<Kernels> firstStep) {
        return open(selector, ClDevice::open, firstStep);
    }

    /**
     * Opens the backend {@code selector} names, profiled ({@link ProfiledBackend}): an OpenCL device is opened with
     * a profiling queue so each kernel launch is timed by its event; the CPU reference is timed op by op. Profiling
     * is chosen here, at opening, because a queue either has it or not: {@link #open} creates neither the profiling
     * queue nor any event.
     */
    public static ProfiledBackend openProfiled(String selector) {
        return openProfiled(selector, Set.of());
    }

    /** As {@link #openProfiled(String)}, building the programs of {@code firstStep} early as {@link #open} does. */
    public static ProfiledBackend openProfiled(String selector, Set<Kernels> firstStep) {
        return ProfiledBackend.wrap(open(selector, ClDevice::openProfiled, firstStep));
    }

    private static Backend open(String selector, Function<DeviceInfo, ClDevice> opener, Set<Kernels> firstStep) {
        String s = selector == null ? "auto" : selector.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty device selector; use auto, cpu, opencl, opencl:P:D or a name");
        }
        if (s.equals("cpu")) {
            return new CpuBackend();
        }
        if (s.equals("auto")) {
            List<DeviceInfo> devices = ClDevice.list();
            if (devices.isEmpty()) {
                System.getLogger("dev.clnn").log(System.Logger.Level.INFO,
                        "no OpenCL device found; using the CPU reference backend");
                return new CpuBackend();
            }
            return new OpenClBackend(opener.apply(ClDevice.select("opencl")), firstStep);
        }
        return new OpenClBackend(opener.apply(ClDevice.select(selector)), firstStep);
    }
}
