package dev.clnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Dataset;
import dev.clnn.data.SafetensorsDtype;
import dev.clnn.data.TensorEntry;
import dev.clnn.fixtures.NullOutput;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.model.Checkpoint;
import dev.clnn.nn.Param;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Epoch listeners, early stopping and the restoring of the best epoch, on the CPU reference. */
class EarlyStoppingTest {
    @TempDir
    Path tmp;

    /** Feeds {@code values} of test_loss to a fresh rule and returns the epoch it stops after, or 0. */
    private static int stopsAfter(EarlyStopping rule, double... values) {
        BestEpoch best = new BestEpoch(rule);
        for (int e = 1; e <= values.length; e++) {
            EpochEnd end = new EpochEnd(e, values.length, 1.0, new Evaluation(values[e - 1], 0, 1), 0.1, null, null);
            best.epochEnded(end);
            if (end.stopReason() != null) {
                return e;
            }
        }
        return 0;
    }

    @Test
    void patienceCountsEpochsWithoutImprovementInARow() {
        double[] losses = {1.0, 0.8, 0.85, 0.9, 0.7, 0.75, 0.76, 0.77, 0.6};
        // epoch 5 improves and starts the count again; 6, 7 and 8 do not
        assertEquals(8, stopsAfter(EarlyStopping.on("test_loss").patience(3), losses));
        assertEquals(3, stopsAfter(EarlyStopping.on("test_loss").patience(1), losses));
        assertEquals(0, stopsAfter(EarlyStopping.on("test_loss").patience(4), losses));
        // with minDelta 0.15, 0.7 is not enough better than 0.8: epochs 3, 4 and 5 count
        assertEquals(5, stopsAfter(EarlyStopping.on("test_loss").patience(3).minDelta(0.15), losses));
        // an equal figure is no improvement, and neither is NaN
        assertEquals(3, stopsAfter(EarlyStopping.on("test_loss").patience(2), 1.0, 1.0, Double.NaN));
    }

    @Test
    void accuracyAndR2AreMaximised() {
        BestEpoch best = new BestEpoch(EarlyStopping.on("test_accuracy").patience(1));
        EpochEnd first = new EpochEnd(1, 3, 1.0, new Evaluation(0.5, 5, 10), 0.1, null, null);
        EpochEnd better = new EpochEnd(2, 3, 1.0, new Evaluation(0.9, 6, 10), 0.1, null, null);
        EpochEnd worse = new EpochEnd(3, 3, 1.0, new Evaluation(0.1, 4, 10), 0.1, null, null);
        best.epochEnded(first);
        best.epochEnded(better);
        assertNull(better.stopReason(), "60% after 50% is an improvement, whatever the loss did");
        best.epochEnded(worse);
        assertEquals("early stop after epoch 3: test_accuracy did not improve for 1 epoch", worse.stopReason());
        assertTrue(EarlyStopping.on("test_r2").maximizes());
        assertTrue(!EarlyStopping.on("test_mae").maximizes());
    }

    @Test
    void anUnknownMonitorIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EarlyStopping.on("val_loss"));
        assertEquals("early stopping cannot monitor \"val_loss\"; choose one of test_loss, test_accuracy, test_rmse,"
                + " test_mae, test_r2, train_loss", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.on("test_loss").patience(0));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.on("test_loss").minDelta(-1));
    }

    @Test
    void monitoringAccuracyOnARegressionRunIsRefused() {
        TrainOptions mse = TrainOptions.builder().model("linear(4,1)").loss(LossKind.MSE).build();
        try (Backend backend = new CpuBackend()) {
            Trainer trainer = new Trainer(backend, mse, NullOutput.printStream(), false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.stopEarly(EarlyStopping.on("test_accuracy")));
            assertEquals("early stopping monitors test_accuracy, which a mse run does not measure; choose one of"
                    + " test_loss, test_rmse, test_mae, test_r2, train_loss", e.getMessage());
            trainer.stopEarly(EarlyStopping.on("test_r2")); // measured
        }
    }

    /** A model large enough to learn noise by heart, so its test loss soon rises. */
    private static TrainOptions overfitting(int epochs) {
        return TrainOptions.builder().model("linear(12,64),relu,linear(64,3)").epochs(epochs).batch(16)
                .sgd(0.1, 0.9f).schedule("constant").seed(3).quiet(true).build();
    }

    private static Dataset noise(long seed) {
        return SyntheticData.uniform(96, 12, 3, seed);
    }

    /** Every parameter of the model an epoch ended with, read to the host. */
    private static final class Snapshots implements EpochListener {
        final List<float[][]> params = new ArrayList<>();
        final List<Integer> epochs = new ArrayList<>();
        final List<Double> trainLoss = new ArrayList<>();
        final List<Double> testLoss = new ArrayList<>();

        @Override
        public void epochEnded(EpochEnd end) {
            epochs.add(end.epoch());
            trainLoss.add(end.trainLoss());
            testLoss.add(end.figure("test_loss"));
            List<Param> ps = end.model().params();
            float[][] copy = new float[ps.size()][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = end.backend().readFloats(ps.get(i).value());
            }
            params.add(copy);
        }
    }

    @Test
    void aListenerHearsEveryEpochOnceWithTheFiguresTheHistoryKeeps() {
        Snapshots seen = new Snapshots();
        try (Backend backend = new CpuBackend();
                TrainedModel model = new Trainer(backend, overfitting(4), NullOutput.printStream(), false)
                        .onEpochEnd(seen).fit(noise(1), noise(2))) {
            assertEquals(List.of(1, 2, 3, 4), seen.epochs);
            TrainingHistory h = model.history();
            for (int e = 0; e < 4; e++) {
                assertEquals(h.epochTrainLoss()[e], seen.trainLoss.get(e));
                assertEquals(h.epochTestLoss()[e], seen.testLoss.get(e));
            }
            assertEquals(h.epochTestLoss()[3], model.evaluation().loss(), "no early stopping: the last epoch's model");
            assertParamsEqual(seen.params.get(3), model);
        }
    }

    @Test
    void earlyStoppingEndsTheRunAndRestoresTheBestEpochBitForBit() {
        Snapshots seen = new Snapshots();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        Path saved = tmp.resolve("saved.safetensors");
        Path again = tmp.resolve("again.safetensors");
        TrainOptions options = overfitting(40).toBuilder().quiet(false).save(saved).build();
        try (Backend backend = new CpuBackend();
                TrainedModel model = new Trainer(backend, options, new PrintStream(lines, true,
                        StandardCharsets.UTF_8), false)
                        .onEpochEnd(seen)
                        .stopEarly(EarlyStopping.on("test_loss").patience(3).restoreBest(true))
                        .fit(noise(1), noise(2))) {
            double[] test = model.history().epochTestLoss();
            int epochs = test.length;
            assertTrue(epochs < 40, "noise is learned by heart and the test loss rises: " + epochs + " epochs");
            int best = 0;
            for (int e = 1; e < epochs; e++) {
                best = test[e] < test[best] ? e : best;
            }
            assertEquals(epochs, best + 1 + 3, "the run ends 3 epochs after the best one");
            assertEquals(test[best], model.evaluation().loss(), "the final evaluation is the best epoch's, exactly");
            assertParamsEqual(seen.params.get(best), model);
            String out = lines.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("early stop after epoch " + epochs + ": test_loss did not improve for 3 epochs;"
                    + " restored epoch " + (best + 1) + "\n"), out);
            model.save(again);
            assertEquals(-1L, Files.mismatch(saved, again), "TrainedModel.save writes what --save wrote");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void restoreBestWithoutStoppingRestoresTheBestEpochAtTheEnd() {
        Snapshots seen = new Snapshots();
        try (TrainedModel model = new Trainer("cpu", overfitting(12), NullOutput.printStream())
                .onEpochEnd(seen)
                .stopEarly(EarlyStopping.on("test_accuracy").patience(100).restoreBest(true))
                .fit(noise(1), noise(2))) {
            double[] accuracy = model.history().epochTestAccuracy();
            assertEquals(12, accuracy.length);
            int best = 0;
            for (int e = 1; e < accuracy.length; e++) {
                best = accuracy[e] > accuracy[best] ? e : best; // the first of equals stays best
            }
            assertTrue(best < 11, "the last epoch is not the best, so there is something to restore");
            assertEquals(accuracy[best], model.evaluation().accuracy());
            assertParamsEqual(seen.params.get(best), model);
        }
    }

    @Test
    void theBestEpochsBatchNormStatisticsComeBackWithItsParametersAndReachTheTrainedModel() {
        List<List<TensorEntry>> buffers = new ArrayList<>();
        Snapshots seen = new Snapshots();
        Path saved = tmp.resolve("bn.safetensors");
        TrainOptions options = overfitting(10).toBuilder().model("linear(12,64),batchnorm1d(64),relu,linear(64,3)")
                .save(saved).build();
        try (TrainedModel model = new Trainer("cpu", options, NullOutput.printStream())
                .onEpochEnd(seen)
                .onEpochEnd(end -> buffers.add(Checkpoint.bufferEntries(end.model())))
                .stopEarly(EarlyStopping.on("test_loss").patience(100).restoreBest(true))
                .fit(noise(1), noise(2))) {
            double[] test = model.history().epochTestLoss();
            int best = 0;
            for (int e = 1; e < test.length; e++) {
                best = test[e] < test[best] ? e : best;
            }
            assertParamsEqual(seen.params.get(best), model);
            List<TensorEntry> kept = Checkpoint.bufferEntries(model.model());
            for (int i = 0; i < kept.size(); i++) {
                TensorEntry want = buffers.get(best).get(i);
                if (want.dtype() == SafetensorsDtype.I64) {
                    assertArrayEquals(new long[] {6L * (best + 1)}, kept.get(i).longs(), want.name());
                } else {
                    assertArrayEquals(want.floats(), kept.get(i).floats(), want.name());
                }
            }
            assertEquals(test[best], model.evaluation().loss(), "evaluated with the best epoch's running statistics");
            Path again = tmp.resolve("bn-again.safetensors");
            model.save(again);
            assertEquals(-1L, Files.mismatch(saved, again), "TrainedModel.save writes what --save wrote");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertParamsEqual(float[][] expected, TrainedModel model) {
        List<Param> ps = model.model().params();
        assertEquals(expected.length, ps.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], model.backend().readFloats(ps.get(i).value()), "parameter " + i);
        }
    }
}
