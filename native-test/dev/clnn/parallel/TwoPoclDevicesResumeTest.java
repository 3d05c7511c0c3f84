package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.data.DatasetSplit;
import dev.clnn.fixtures.NullOutput;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.StopRequest;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.Trainer;
import dev.clnn.train.TrainingStep;
import dev.clnn.train.TrainingStoppedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel training on two POCL devices, where the all-reduce sums on the devices over each replica's gradient
 * buffer ({@code GradientArena}), stopped after a step and resumed from its state, ends with the bits of an
 * uninterrupted two-device run: the resumed replicas rebuild their gradient buffers, and nothing of the sum is state.
 * Run by the {@code multi-device-test} execution.
 */
@Tag("multidevice")
class TwoPoclDevicesResumeTest {
    private static Backend device0;
    private static Backend device1;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        List<String> pocl = PoclDevices.selectors();
        device0 = Backends.open(pocl.get(0));
        device1 = Backends.open(pocl.get(1));
    }

    @AfterAll
    static void close() {
        if (device0 != null) {
            device0.close();
        }
        if (device1 != null) {
            device1.close();
        }
    }

    @ParameterizedTest(name = "stopped after step {0}")
    // Mid-epoch, and the first epoch's last step (7 steps an epoch, the last of 4 samples: shards of 2 and 2).
    @ValueSource(ints = {3, 7})
    void aStoppedTwoDeviceRunResumesBitForBit(int stopStep) throws IOException {
        DatasetSplit data = SyntheticData.bandedDigits();
        PrintStream quiet = NullOutput.printStream();
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        new Trainer(twoDevices(), options(whole), CheckpointOptions.none(), new StopRequest(), quiet, false).run(data);

        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(stopStep);
        assertThrows(TrainingStoppedException.class, () -> new Trainer(twoDevices(), options(parts),
                new CheckpointOptions(dir, 0, 2, false), stop, quiet, false).run(data));
        new Trainer(twoDevices(), options(parts), new CheckpointOptions(dir, 0, 2, true), new StopRequest(), quiet,
                false).run(data);

        assertArrayEquals(Files.readAllBytes(whole.resolve("w.safetensors")),
                Files.readAllBytes(parts.resolve("w.safetensors")));
    }

    private static TrainingStep.Factory twoDevices() {
        return DataParallelStep.factory(List.of(device0, device1));
    }

    /** An MLP (its ReLUs fused into the linear layers) with Nesterov momentum and weight decay; 2 epochs. */
    private static TrainOptions options(Path out) {
        return TrainOptions.builder().model("linear(784,48),relu,linear(48,10)").epochs(2).batch(16).sgd(0.05, 0.9f)
                .nesterov(true).weightDecay(1e-4f).schedule("cosine").seed(3).save(out.resolve("w.safetensors"))
                .quiet(true).build();
    }
}
