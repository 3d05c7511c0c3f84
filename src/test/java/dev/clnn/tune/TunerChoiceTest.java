package dev.clnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the tuner turns measured rates into choices: the fastest per class, shared where one is nearly as fast. */
class TunerChoiceTest {
    private static final List<String> CLASSES = List.of("small", "large", "long-k");

    private static Map<String, Double> rates(double small, double large, double longK) {
        return Map.of("small", small, "large", large, "long-k", longK);
    }

    @Test
    void eachClassGetsItsFastest() {
        Map<String, Map<String, Double>> measured = new LinkedHashMap<>();
        measured.put("a", rates(100, 50, 10));
        measured.put("b", rates(50, 100, 10));
        measured.put("c", rates(10, 10, 100));
        assertEquals(Map.of("small", "a", "large", "b", "long-k", "c"), Tuner.choose(CLASSES, measured));
    }

    @Test
    void aConfigurationWithinThreePercentOfTheBestServesTheClassToo() {
        Map<String, Map<String, Double>> measured = new LinkedHashMap<>();
        measured.put("a", rates(100, 50, 10));
        measured.put("b", rates(98, 100, 99));
        measured.put("c", rates(10, 10, 100));
        // b is within 3% for all three classes: one configuration, one build
        assertEquals(Map.of("small", "b", "large", "b", "long-k", "b"), Tuner.choose(CLASSES, measured));
        measured.put("b", rates(96, 100, 99));
        assertEquals(Map.of("small", "a", "large", "b", "long-k", "b"), Tuner.choose(CLASSES, measured));
    }
}
