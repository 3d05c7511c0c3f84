package dev.clnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.OpFamily;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The op families a model's first step adds (the kernels each maps to: StartupProgramsTest). */
class FirstStepOpsTest {
    @Test
    void anMlpLaunchesOnlyTheCommonKernels() {
        assertEquals(Set.of(), FirstStepOps.of(ModelSpec.parse("mlp")));
    }

    @Test
    void aReluOfItsOwnAddsReluButAFusedOneDoesNot() {
        assertEquals(Set.of(OpFamily.RELU), FirstStepOps.of(ModelSpec.parse("relu,linear(4,2),relu")));
    }

    @Test
    void dropoutAddsItsFamilyUnlessPIsZero() {
        assertEquals(Set.of(OpFamily.DROPOUT), FirstStepOps.of(ModelSpec.parse("linear(4,3),relu,dropout(0.5)")));
        assertEquals(Set.of(), FirstStepOps.of(ModelSpec.parse("linear(4,3),relu,dropout(0)")));
    }

    @Test
    void theCnnAddsConvolutionAndBothPoolings() {
        assertEquals(Set.of(OpFamily.CONV, OpFamily.MAX_POOL, OpFamily.AVG_POOL),
                FirstStepOps.of(ModelSpec.parse("cnn")));
    }
}
