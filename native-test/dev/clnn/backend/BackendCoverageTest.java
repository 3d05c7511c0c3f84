package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every op of {@link Backend} has a parity test class named after it that really calls it: {@code reluForward} and
 * {@code reluBackward} are covered by {@code ReluParityTest}, {@code sgdUpdate} by {@code SgdUpdateParityTest}. The
 * calls are read from the compiled test class (and its nested classes), so a class that merely exists, or that tests
 * a neighbour op, does not count. Ops whose test also drives the OpenCL routines directly have it in
 * {@code dev.clnn.backend.opencl}, beside the routines.
 */
class BackendCoverageTest {
    /**
     * Storage and lifecycle methods, exercised by every parity test rather than tested as ops, and the convolution
     * algorithm choice (a query, tested with ConvPolicy).
     */
    private static final Set<String> NOT_OPS = Set.of("name", "empty", "fromArray", "write", "readFloats",
            "readInts", "synchronize", "close", "convAlgorithm");
    /** The types an op can be called through. */
    private static final List<Class<?>> RECEIVERS = List.of(Backend.class, OpenClBackend.class, CpuBackend.class);
    /** Where parity test classes live. */
    private static final List<String> PACKAGES = List.of("dev.clnn.backend", "dev.clnn.backend.opencl");

    @Test
    void everyBackendOpIsCalledByItsParityTestClass() {
        Set<String> missing = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            if (NOT_OPS.contains(m.getName())) {
                continue;
            }
            String family = m.getName().replaceAll("(Forward|Backward)$", "");
            String simpleName = Character.toUpperCase(family.charAt(0)) + family.substring(1) + "ParityTest";
            Class<?> found = null;
            for (String p : PACKAGES) {
                try {
                    found = Class.forName(p + "." + simpleName);
                    break;
                } catch (ClassNotFoundException e) {
                    // try the next package
                }
            }
            String testClass = found != null ? found.getName() : simpleName;
            if (found == null) {
                missing.add(m.getName() + " -> " + testClass + " (no such class in " + PACKAGES + ")");
                continue;
            }
            Set<String> calls = callsOf(found);
            if (RECEIVERS.stream().noneMatch(r -> calls.contains(r.getName() + "." + m.getName()))) {
                missing.add(m.getName() + " -> " + testClass + " (never calls it)");
            }
        }
        assertTrue(missing.isEmpty(), "Backend ops without a parity test that calls them: " + List.copyOf(missing));
    }

    @Test
    void theBytecodeReaderFindsCallsAndOnlyCalls() {
        Set<String> relu = callsOf(ReluParityTest.class);
        assertTrue(relu.contains(Backend.class.getName() + ".reluForward")
                || relu.contains(OpenClBackend.class.getName() + ".reluForward"), relu.toString());
        Set<String> fill = callsOf(FillParityTest.class);
        assertTrue(RECEIVERS.stream().noneMatch(r -> fill.contains(r.getName() + ".reluForward")), fill.toString());
    }

    private static Set<String> callsOf(Class<?> type) {
        Set<String> calls = new TreeSet<>(ClassFileMethodRefs.of(type));
        List<Class<?>> nested = new ArrayList<>(List.of(type.getDeclaredClasses()));
        for (Class<?> inner : nested) {
            calls.addAll(ClassFileMethodRefs.of(inner));
        }
        return calls;
    }
}
