package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every op of {@link Backend} has a parity test class named after it: {@code reluForward} and {@code reluBackward}
 * are covered by {@code ReluParityTest}, {@code sgdUpdate} by {@code SgdUpdateParityTest}.
 */
class BackendCoverageTest {
    /** Storage and lifecycle methods, exercised by every parity test rather than tested as ops. */
    private static final Set<String> NOT_OPS = Set.of("name", "empty", "fromArray", "write", "readFloats",
            "readInts", "synchronize", "close");

    @Test
    void everyBackendOpHasAParityTestClass() {
        Set<String> missing = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            if (NOT_OPS.contains(m.getName())) {
                continue;
            }
            String family = m.getName().replaceAll("(Forward|Backward)$", "");
            String testClass = "dev.clnn.backend." + Character.toUpperCase(family.charAt(0)) + family.substring(1)
                    + "ParityTest";
            try {
                Class.forName(testClass);
            } catch (ClassNotFoundException e) {
                missing.add(m.getName() + " -> " + testClass);
            }
        }
        assertTrue(missing.isEmpty(), "Backend ops without a parity test: " + List.copyOf(missing));
    }
}
