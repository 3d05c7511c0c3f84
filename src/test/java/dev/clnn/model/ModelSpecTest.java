package dev.clnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void namedModelsExpandToTheirLayers() {
        assertEquals(ModelSpec.MLP, ModelSpec.parse("mlp").text());
        assertEquals(8, ModelSpec.parse("CNN").layers().size());
    }

    @Test
    void defaultsFollowPyTorch() {
        List<LayerSpec> layers = ModelSpec.parse("conv(1,4,3),maxpool(2),avgpool(3,1),maxpool(3,2,1),flatten")
                .layers();
        assertEquals(new LayerSpec.Conv(1, 4, 3, 1, 0), layers.get(0));
        assertEquals(new LayerSpec.MaxPool(2, 2, 0), layers.get(1));
        assertEquals(new LayerSpec.AvgPool(3, 1, 0), layers.get(2));
        assertEquals(new LayerSpec.MaxPool(3, 2, 1), layers.get(3));
        assertEquals(new LayerSpec.Flatten(), layers.get(4));
    }

    @Test
    void dropoutTakesAProbabilityBelowOne() {
        assertEquals("linear(3,2),dropout(0.25),dropout(0.5),dropout(0.0)",
                ModelSpec.parse("linear(3,2),dropout(0.25),dropout,dropout(0)").text());
        assertMessage("p must be in [0, 1)", "linear(3,2),dropout(1)");
        assertMessage("p must be in [0, 1)", "dropout(-0.5)");
        assertMessage("one probability", "dropout(0.1,2)");
    }

    @Test
    void spacesAndCaseAreIgnored() {
        assertEquals("linear(3,2),relu", ModelSpec.parse(" Linear( 3 , 2 ) , RELU ").text());
    }

    @Test
    void badSpecsAreErrorsNamingTheLayer() {
        assertMessage("foo(3)", "unknown layer 1 \"foo(3)\"", "linear(2,3),foo(3)");
        assertMessage("linear", "has 1 arguments", "linear(3)");
        assertMessage("\"x\" is not an integer", "linear(3,x)");
        assertMessage("must be positive", "linear(0,3)");
        assertMessage("half the window", "maxpool(2,2,2)");
        assertMessage("unbalanced", "linear(3,2");
        assertMessage("empty model SPEC", " ");
        assertMessage("has 1 arguments", "relu(1)");
    }

    private static void assertMessage(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void assertMessage(String expected1, String expected2, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(spec));
        assertTrue(e.getMessage().contains(expected1) && e.getMessage().contains(expected2), e.getMessage());
    }
}
