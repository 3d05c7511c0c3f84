package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One run's {@link EarlyStopping}: the best figure so far, its epoch, the epochs since, its parameters. */
final class BestEpoch implements EpochListener {
    private final EarlyStopping rule;
    private double best = Double.NaN;
    private int bestEpoch; // 0 until an epoch has been seen
    private int wait;
    private float[][] bestParams; // host copies, in the model's parameter order; kept only with restoreBest
    private List<TensorEntry> bestBuffers; // the model's buffers (running statistics) at that epoch

    BestEpoch(EarlyStopping rule) {
        this.rule = rule;
    }

    @Override
    public void epochEnded(EpochEnd end) {
        double value = end.figure(rule.monitor());
        if (improves(value)) {
            best = value;
            bestEpoch = end.epoch();
            wait = 0;
            if (rule.restoreBest()) {
                bestParams = read(end.model(), end.backend());
                bestBuffers = Checkpoint.bufferEntries(end.model());
            }
            return;
        }
        wait++;
        if (wait >= rule.patience()) {
            end.stop(String.format(Locale.ROOT, "early stop after epoch %d: %s did not improve for %d epoch%s%s",
                    end.epoch(), rule.monitor(), wait, wait == 1 ? "" : "s", bestParams == null ? ""
                            : "; restored epoch " + bestEpoch));
        }
    }

    private boolean improves(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        if (bestEpoch == 0) {
            return true;
        }
        return rule.maximizes() ? value - rule.minDelta() > best : value + rule.minDelta() < best;
    }

    /** Whether the model, last trained in epoch {@code lastEpoch}, should get the best epoch's parameters back. */
    boolean restores(int lastEpoch) {
        return bestParams != null && bestEpoch != lastEpoch;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    double best() {
        return best;
    }

    /** Writes the best epoch's parameters and buffers into {@code model}. */
    void restoreInto(Sequential model, Backend backend) {
        List<Param> params = model.params();
        for (int i = 0; i < params.size(); i++) {
            backend.write(params.get(i).value(), bestParams[i]);
        }
        Checkpoint.loadBuffers(byName(bestBuffers), model);
    }

    /** State-dict tensors by name. */
    static Map<String, TensorEntry> byName(List<TensorEntry> entries) {
        Map<String, TensorEntry> named = new HashMap<>();
        entries.forEach(t -> named.put(t.name(), t));
        return named;
    }

    /** Every parameter of {@code model}, read to the host in order. */
    static float[][] read(Sequential model, Backend backend) {
        List<Param> params = model.params();
        float[][] values = new float[params.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = backend.readFloats(params.get(i).value());
        }
        return values;
    }
}
