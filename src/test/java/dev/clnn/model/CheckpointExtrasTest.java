package dev.clnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.nn.Sequential;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights with tensors beside the parameters: load refuses them, loadWithExtras leaves them to the caller. */
class CheckpointExtrasTest {
    @TempDir
    Path tmp;

    @Test
    void extrasAreRefusedByLoadAndReturnedByLoadWithExtras() {
        Path file = tmp.resolve("w.safetensors");
        try (Backend cpu = new CpuBackend(); Sequential saved = Models.build(cpu, ModelSpec.parse("linear(2,2)"), 1);
                Sequential loaded = Models.build(cpu, ModelSpec.parse("linear(2,2)"), 2)) {
            Checkpoint.save(file, saved, cpu, Map.of("clnn.task", "classification"));
            SafetensorsFile f = Safetensors.read(file);
            List<TensorEntry> all = new ArrayList<>(f.tensors().values());
            all.add(TensorEntry.f32("standardize.mean", new int[] {2}, new float[] {1, 2}));
            Safetensors.write(file, all, f.metadata());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.load(file, loaded, cpu));
            assertTrue(e.getMessage().contains("unexpected [standardize.mean]"), e.getMessage());

            SafetensorsFile read = Checkpoint.loadWithExtras(file, loaded, cpu);
            assertEquals("classification", read.metadata().get("clnn.task"));
            assertArrayEquals(new float[] {1, 2}, read.tensor("standardize.mean").toFloats());
            assertArrayEquals(cpu.readFloats(saved.namedParams().get("0.weight").value()),
                    cpu.readFloats(loaded.namedParams().get("0.weight").value()));

            all.add(TensorEntry.f32("1.weight", new int[] {2}, new float[] {1, 2}));
            Safetensors.write(file, all, f.metadata());
            e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.loadWithExtras(file, loaded, cpu));
            assertTrue(e.getMessage().contains("unexpected [1.weight]"), e.getMessage());
        }
    }
}
