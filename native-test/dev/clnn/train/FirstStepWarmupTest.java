package dev.clnn.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.model.ModelSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The first-step dry run records and replays a whole training step of the named models (in the background its
 * failures are only logged, so they would go unnoticed without this).
 */
@Tag("opencl")
class FirstStepWarmupTest {
    @Test
    void theDryRunOfTheMlpAndCnnStepsCompletes() {
        for (String model : new String[] {"mlp", "cnn"}) {
            TrainOptions d = TrainOptions.defaults();
            TrainOptions options = new TrainOptions(ModelSpec.parse(model), null, 1, 17, d.lr(), d.momentum(),
                    d.nesterov(), d.weightDecay(), d.schedule(), 0, 1, null, null, null, true, true);
            int[] sample = model.equals("mlp") ? new int[] {784} : new int[] {1, 28, 28};
            assertDoesNotThrow(() -> FirstStepWarmup.dryRun(OpenClTestSupport.deviceInfo(), options, sample, 17),
                    model);
        }
    }
}
