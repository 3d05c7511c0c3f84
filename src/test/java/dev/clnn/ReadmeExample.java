package dev.clnn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Dataset;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import dev.clnn.train.ModelStep;
import java.nio.file.Path;
import java.util.Map;

/**
 * The step-level example of docs/library.md, kept compiling and working (on the CPU backend, so it runs everywhere): trains
 * a small MLP on a separable set, saves it, loads it into a new model and evaluates that.
 */
final class ReadmeExample {
    /** Number of samples, features and classes of the separable set. */
    static final int N = 90;

    /** The first and last training loss, and the restored model's evaluation on the training set. */
    record Outcome(float firstLoss, float lastLoss, Evaluation evaluation) {
    }

    private ReadmeExample() {
    }

    static Outcome run(Path file) {
        int n = N;
        float[] features = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            features[i * 4 + labels[i]] = 1f; // class c lights feature c
            features[i * 4 + 3] = (i % 7) / 7f;
        }
        float first = Float.NaN;
        float last = Float.NaN;
        // --- the example of docs/library.md starts here (Backends.open() there; the CPU backend here; it prints e) ---
        try (Backend backend = new CpuBackend();
                ModelStep train = ModelStep.open(backend,
                        Models.build(backend, ModelSpec.parse("linear(4,16),relu,linear(16,3)"), 42),
                        SoftmaxCrossEntropy::new, Sgd.factory(0.9f, 0f, 0f, false), LrSchedule.constant(0.1));
                Tensor x = backend.fromArray(features, n, 4);
                Tensor y = backend.fromArray(labels, n)) {
            for (int step = 0; step < 100; step++) {
                float loss = train.step(x, y);
                first = step == 0 ? loss : first;
                last = loss;
            }
            Checkpoint.save(file, train.model(), backend, Map.of());
        }
        Evaluation e;
        try (Backend backend = new CpuBackend();
                Sequential restored = Models.build(backend, ModelSpec.parse("linear(4,16),relu,linear(16,3)"), 0)) {
            Checkpoint.load(file, restored, backend);                           // same spec, weights from the file
            Dataset test = new Dataset(features, labels, n, new int[] {4}, 3);
            e = Evaluator.evaluate(backend, restored, test, new int[] {4}, 256);
        }
        // --- the example of docs/library.md ends here ---
        return new Outcome(first, last, e);
    }
}
