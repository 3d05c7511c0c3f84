package dev.clnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.Safetensors;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step-level example of docs/library.md ({@link ReadmeExample}) trains, saves, loads and evaluates. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theReadmeExampleTrainsSavesLoadsAndEvaluates() {
        Path file = tmp.resolve("model.safetensors");
        ReadmeExample.Outcome o = ReadmeExample.run(file);
        assertTrue(o.lastLoss() < o.firstLoss() / 10, "loss " + o.firstLoss() + " -> " + o.lastLoss());
        assertTrue(Safetensors.read(file).tensors().containsKey("2.weight"));
        assertEquals(ReadmeExample.N, o.evaluation().total());
        assertEquals(1.0, o.evaluation().accuracy(), "the restored model classifies the separable training set");
        assertEquals(o.lastLoss(), o.evaluation().loss(), 0.05, "the loaded weights give about the last training loss");
    }
}
