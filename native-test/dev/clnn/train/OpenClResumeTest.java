package dev.clnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.data.DatasetSplit;
import dev.clnn.fixtures.NullOutput;
import dev.clnn.fixtures.SyntheticData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On the OpenCL device, as on the CPU reference (ResumeTest): a run stopped after any step and resumed from its
 * state ends with the bits of an uninterrupted run. The kernels reduce in a fixed order (no atomics), so the same
 * device gives the same bits; a convolution, both poolings and momentum make every kind of state count.
 */
class OpenClResumeTest {
    private static final String MODEL = "conv(1,4,3,1,1),relu,maxpool(2,2,0),conv(4,6,3,1,1),relu,avgpool(2,2,0),"
            + "flatten,linear(294,10)";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "stopped after step {0}")
    @ValueSource(ints = {3, 7, 12})
    void aStoppedRunResumesBitForBit(int stopStep) throws IOException {
        Backend backend = OpenClTestSupport.backend();
        DatasetSplit data = SyntheticData.bandedDigits();
        PrintStream quiet = NullOutput.printStream();
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        new Trainer(backend, options(whole), CheckpointOptions.none(), new StopRequest(), quiet, false).run(data);

        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(stopStep);
        assertThrows(TrainingStoppedException.class, () -> new Trainer(backend, options(parts),
                new CheckpointOptions(dir, 0, 2, false), stop, quiet, false).run(data));
        new Trainer(backend, options(parts), new CheckpointOptions(dir, 0, 2, true), new StopRequest(), quiet, false)
                .run(data);

        assertArrayEquals(Files.readAllBytes(whole.resolve("w.safetensors")),
                Files.readAllBytes(parts.resolve("w.safetensors")));
    }

    /** 100 samples in batches of 16: 7 steps an epoch, the last of 4 samples; 2 epochs. */
    private static TrainOptions options(Path out) {
        return TrainOptions.builder().model(MODEL).epochs(2).batch(16).sgd(0.05, 0.9f).weightDecay(1e-4f)
                .schedule("cosine").seed(3).save(out.resolve("w.safetensors")).quiet(true).build();
    }
}
