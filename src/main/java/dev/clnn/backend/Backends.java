package dev.clnn.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Picks a backend from a device selector: {@code auto} (the default: first GPU, else any OpenCL device, else the
 * CPU reference, with one log line saying so), {@code cpu}, {@code opencl}, {@code opencl:P:D}, or a substring of an
 * OpenCL device name. Asking for OpenCL explicitly where none exists is an error, never a silent fallback. The
 * backends themselves come from {@link BackendProvider}s, so this API depends on none of them.
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
     * As {@link #open(String)}; a backend that can prepares the ops of {@code firstStep} (those a model launches
     * beyond every classifier's, see {@code FirstStepOps}) while it opens: OpenCL builds their programs in its
     * first background build.
     */
    public static Backend open(String selector, Set<OpFamily> firstStep) {
        return open(selector, false, firstStep);
    }

    /**
     * Opens the backends {@code selectors} name, in order (the ranks of a data-parallel run), each as
     * {@link #open(String, Set)} would, but together where their kind can: OpenCL devices of one platform share one
     * context, so that their gradients are summed in place. When one fails to open, those already open are closed.
     */
    public static List<Backend> openGroup(List<String> selectors, Set<OpFamily> firstStep) {
        boolean allOpenCl = selectors.size() > 1 && selectors.stream().map(s -> s == null ? "" : s.trim()
                .toLowerCase(Locale.ROOT)).noneMatch(s -> s.isEmpty() || s.equals("cpu") || s.equals("auto"));
        BackendProvider opencl = allOpenCl ? find("opencl") : null;
        if (opencl != null) {
            Optional<List<Backend>> together = opencl.openTogether(selectors, false, firstStep);
            if (together.isPresent()) {
                return together.get();
            }
        }
        List<Backend> opened = new ArrayList<>();
        try {
            for (String selector : selectors) {
                opened.add(open(selector, firstStep));
            }
        } catch (RuntimeException e) {
            opened.forEach(Backend::close);
            throw e;
        }
        return opened;
    }

    /**
     * As {@link #open(String, Set)}, for profiling: an OpenCL device is opened with a profiling queue so each kernel
     * launch is timed by its event, for the profiling decorator ({@code ProfiledBackend.open}) to read. Profiling is
     * chosen here, at opening, because a queue either has it or not: {@link #open} creates neither the profiling
     * queue nor any event.
     */
    public static Backend openForProfiling(String selector, Set<OpFamily> firstStep) {
        return open(selector, true, firstStep);
    }

    /**
     * The selectors of every device the providers list, for {@code --devices all}: every OpenCL device, the CPU
     * reference left out; empty where there is none.
     */
    public static List<String> allDeviceSelectors() {
        List<String> all = new ArrayList<>();
        for (BackendProvider p : providers()) {
            all.addAll(p.deviceSelectors());
        }
        return all;
    }

    /** What went wrong while the providers looked for devices, one line each; empty when nothing did. */
    public static List<String> discoveryProblems() {
        List<String> problems = new ArrayList<>();
        for (BackendProvider p : providers()) {
            problems.addAll(p.discoveryProblems());
        }
        return problems;
    }

    /**
     * A sum of the gradients of replicas on {@code backends} (rank order) done on their devices, from the first
     * provider that offers one for them; empty where none does, and the replicas sum through the host.
     *
     * @param shapes the shape of each parameter's gradient, the same on every replica
     */
    public static Optional<GradientSum> gradientSum(List<Backend> backends, List<int[]> shapes) {
        for (BackendProvider p : providers()) {
            Optional<GradientSum> sum = p.gradientSum(backends, shapes);
            if (sum.isPresent()) {
                return sum;
            }
        }
        return Optional.empty();
    }

    private static Backend open(String selector, boolean timed, Set<OpFamily> firstStep) {
        String s = selector == null ? "auto" : selector.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty device selector; use auto, cpu, opencl, opencl:P:D, opencl:PLATFORM or a name");
        }
        if (s.equals("cpu")) {
            return provider("cpu").open("cpu", timed, firstStep);
        }
        if (s.equals("auto")) {
            BackendProvider opencl = find("opencl");
            if (opencl == null || !opencl.hasDevice()) {
                System.getLogger("dev.clnn").log(System.Logger.Level.INFO,
                        "no OpenCL device found; using the CPU reference backend");
                return provider("cpu").open("cpu", timed, firstStep);
            }
            return opencl.open("opencl", timed, firstStep);
        }
        return provider("opencl").open(selector, timed, firstStep);
    }

    private static BackendProvider provider(String kind) {
        BackendProvider p = find(kind);
        if (p == null) {
            throw new IllegalStateException("no " + kind + " backend on the class path (META-INF/services/"
                    + BackendProvider.class.getName() + " lists none)");
        }
        return p;
    }

    private static BackendProvider find(String kind) {
        for (BackendProvider p : providers()) {
            if (p.kind().equals(kind)) {
                return p;
            }
        }
        return null;
    }

    private static ServiceLoader<BackendProvider> providers() {
        // This class's loader rather than the thread's: a Spark executor's context loader may not see the jar.
        return ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader());
    }
}
