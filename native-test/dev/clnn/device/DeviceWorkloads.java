package dev.clnn.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the device tests run in a child JVM ({@link dev.clnn.fixtures.ChildJvm}). Exits 0 when the work succeeded; otherwise prints
 * why to stderr and exits 1. A crash of the driver shows as any other exit code.
 *
 * <ul>
 * <li>{@code relu SELECTOR}: runs relu_forward on a fixed input and checks every output.</li>
 * <li>{@code open-at-once SELECTOR...}: one thread per selector, released together by a barrier; each opens its
 * device, runs relu_forward and closes it.</li>
 * <li>{@code build SELECTOR FILE}: builds kernels/FILE.</li>
 * <li>{@code build-failing SELECTOR FILE OPTIONS}: builds kernels/FILE, expecting a {@link KernelBuildException},
 * and prints what it carries. In a child JVM because the compiler writes "N errors generated." to stderr.</li>
 * <li>{@code prebuild-failing SELECTOR FILE OPTIONS alone|with-relu}: prebuilds kernels/FILE in the background,
 * alone or together with relu.cl, waits for the background, then asks for FILE and prints what the
 * {@link KernelBuildException} carries and which thread built it; with relu.cl, first checks that relu_forward
 * runs and prints "relu.cl ran".</li>
 * <li>{@code select SELECTOR}: prints {@link ClDevice#problems()} and the selected device or why there is none.</li>
 * </ul>
 */
final class DeviceWorkloads {
    private DeviceWorkloads() {
    }

    public static void main(String[] args) throws Exception {
        List<String> failures = switch (args[0]) {
            case "relu" -> relu(args[1]);
            case "open-at-once" -> openAtOnce(Arrays.copyOfRange(args, 1, args.length));
            case "build" -> build(args[1], args[2]);
            case "build-failing" -> buildFailing(args[1], args[2], args[3]);
            case "prebuild-failing" -> prebuildFailing(args[1], args[2], args[3], args[4].equals("with-relu"));
            case "select" -> select(args[1]);
            default -> List.of("unknown workload " + args[0]);
        };
        if (!failures.isEmpty()) {
            System.err.println(String.join("\n", failures));
            System.exit(1);
        }
    }

    private static List<String> relu(String selector) {
        try (ClDevice device = ClDevice.open(ClDevice.select(selector))) {
            return runRelu(device);
        }
    }

    /** relu_forward over a fixed input with both signs and zero; returns the wrong outputs, if any. */
    static List<String> runRelu(ClDevice device) {
        float[] x = new float[37];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 18) * 0.25f;
        }
        float[] y = new float[x.length];
        try (DeviceBuffer xBuf = device.allocate(4L * x.length); DeviceBuffer yBuf = device.allocate(4L * x.length)) {
            device.write(xBuf, x);
            device.kernel("relu.cl", "relu_forward", "").launch(new long[] {x.length}, null, yBuf, xBuf, x.length);
            device.read(yBuf, y);
        }
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (y[i] != Math.max(0f, x[i])) {
                wrong.add("relu(" + x[i] + ") = " + y[i] + " on " + device.info().name());
            }
        }
        return wrong;
    }

    private static List<String> openAtOnce(String[] selectors) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(selectors.length);
        ExecutorService threads = Executors.newFixedThreadPool(selectors.length);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (String selector : selectors) {
                results.add(threads.submit(() -> {
                    start.await();
                    return relu(selector);
                }));
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < selectors.length; i++) {
                try {
                    failures.addAll(results.get(i).get());
                } catch (ExecutionException e) {
                    failures.add("opening " + selectors[i] + " failed: " + e.getCause());
                }
            }
            return failures;
        } finally {
            threads.shutdownNow();
        }
    }

    private static List<String> build(String selector, String file) {
        try (ClDevice device = ClDevice.open(ClDevice.select(selector))) {
            device.build(file, "");
        }
        return List.of();
    }

    private static List<String> buildFailing(String selector, String file, String options) {
        try (ClDevice device = ClDevice.open(ClDevice.select(selector))) {
            device.build(file, options);
            return List.of("kernels/" + file + " built with options \"" + options + "\"");
        } catch (KernelBuildException e) {
            printBuildFailure(e);
            System.out.println("message: " + e.getMessage());
            return List.of();
        }
    }

    /** What a build failure carries, one fact a line, for the test that runs this workload to check. */
    private static void printBuildFailure(KernelBuildException e) {
        System.out.println("file: " + e.file());
        System.out.println("options: " + e.options());
        System.out.println("build log blank: " + e.buildLog().isBlank());
        System.out.println("message has the build log: " + e.getMessage().contains(e.buildLog()));
    }

    private static List<String> prebuildFailing(String selector, String file, String options, boolean withRelu)
            throws InterruptedException {
        try (ClDevice device = ClDevice.open(ClDevice.select(selector))) {
            List<ProgramSpec> specs = new ArrayList<>();
            if (withRelu) {
                specs.add(new ProgramSpec("relu.cl", ""));
            }
            specs.add(new ProgramSpec(file, options));
            device.prebuild(specs);
            device.awaitPrebuilds();
            if (withRelu) {
                List<String> wrong = runRelu(device);
                if (!wrong.isEmpty()) {
                    return wrong;
                }
            }
            try {
                device.build(file, options);
                return List.of("kernels/" + file + " built with options \"" + options + "\"");
            } catch (KernelBuildException e) {
                printBuildFailure(e);
                System.out.println("built by: " + (e.getCause() instanceof KernelBuildException ? "another thread"
                        : "this thread"));
                if (withRelu) {
                    System.out.println("relu.cl ran");
                }
                return List.of();
            }
        }
    }

    private static List<String> select(String selector) {
        System.out.println("problems: " + ClDevice.problems());
        try {
            System.out.println("selected: " + ClDevice.select(selector));
        } catch (IllegalArgumentException e) {
            System.out.println("not selected: " + e.getMessage());
        }
        return List.of();
    }
}
