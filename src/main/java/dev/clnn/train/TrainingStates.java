package dev.clnn.train;

import dev.clnn.checkpoint.TrainingPosition;
import dev.clnn.checkpoint.TrainingState;
import dev.clnn.data.SafetensorsDtype;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Between a running model and optimiser and a {@link TrainingState}: taking one, and going on from one. */
final class TrainingStates {
    private TrainingStates() {
    }

    /**
     * The state of a run at {@code position}: parameters, the model's buffers (batch norm's running statistics) and
     * momentum buffers read back from the device.
     */
    static TrainingState capture(Map<String, String> settings, TrainingPosition position, TrainingRounds step,
            TrainingHistory history, MetricsLog metrics) {
        List<TensorEntry> params = new ArrayList<>();
        Map<String, TensorEntry> momentum = new HashMap<>();
        float[][] buffers = step.optimizerState();
        int i = 0;
        for (Map.Entry<String, Param> e : step.model().namedParams().entrySet()) {
            Param p = e.getValue();
            params.add(TensorEntry.f32(e.getKey(), p.shape(), step.backend().readFloats(p.value())));
            if (buffers[i] != null) {
                momentum.put(e.getKey(), TensorEntry.f32(e.getKey(), bufferShape(p, buffers[i].length),
                        buffers[i]));
            }
            i++;
        }
        params.addAll(Checkpoint.bufferEntries(step.model()));
        return new TrainingState(settings, position, params, momentum, history.curves(),
                metrics == null ? "" : metrics.csv());
    }

    /**
     * Writes a state's parameters and momentum buffers into every replica of {@code step}, all or nothing.
     *
     * @throws IllegalArgumentException when the state's tensors do not match the model's parameters
     */
    static void restore(TrainingState state, TrainingRounds step) {
        Map<String, Param> params = step.model().namedParams();
        Map<String, TensorEntry> saved = new HashMap<>();
        state.params().forEach(t -> saved.put(t.name(), t));
        Set<String> stateDict = new HashSet<>(params.keySet());
        stateDict.addAll(step.model().namedBuffers().keySet());
        if (!saved.keySet().equals(stateDict) || !params.keySet().containsAll(state.momentum().keySet())) {
            TreeSet<String> names = new TreeSet<>(saved.keySet());
            names.addAll(state.momentum().keySet());
            throw new IllegalArgumentException("the training state's tensors " + names + " do not match the model's"
                    + " parameters and buffers " + new TreeSet<>(stateDict));
        }
        float[][] values = new float[params.size()][];
        float[][] buffers = new float[params.size()][];
        int i = 0;
        for (Map.Entry<String, Param> e : params.entrySet()) {
            values[i] = requireShape(requireF32(saved.get(e.getKey())), e.getValue()).floats();
            TensorEntry buffer = state.momentum().get(e.getKey());
            buffers[i] = buffer == null ? null : requireBufferShape(buffer, e.getValue()).floats();
            i++;
        }
        // Buffers are checked before anything is written, then go into every replica (they are equal after a step).
        for (Sequential model : step.models()) {
            Checkpoint.checkBuffers(saved, model);
        }
        step.restore(values, state.position().steps(), buffers);
        for (Sequential model : step.models()) {
            Checkpoint.loadBuffers(saved, model);
        }
    }

    private static TensorEntry requireF32(TensorEntry t) {
        if (t.dtype() != SafetensorsDtype.F32) {
            throw new IllegalArgumentException("the training state's parameter " + t.name() + " is " + t.dtype());
        }
        return t;
    }

    /**
     * The parameter's shape for one buffer per value (SGD's momentum), else [k, shape…] for k buffers laid end to end
     * (Adam's [m, v] or [m, v, vmax]).
     */
    private static int[] bufferShape(Param p, int length) {
        if (length == p.size()) {
            return p.shape();
        }
        int[] shape = new int[p.shape().length + 1];
        shape[0] = length / p.size();
        System.arraycopy(p.shape(), 0, shape, 1, p.shape().length);
        return shape;
    }

    private static TensorEntry requireBufferShape(TensorEntry t, Param p) {
        int[] s = t.shape();
        if (s.length == p.shape().length + 1 && Arrays.equals(Arrays.copyOfRange(s, 1, s.length), p.shape())) {
            return t; // k buffers; the optimiser checks k
        }
        return requireShape(t, p);
    }

    private static TensorEntry requireShape(TensorEntry t, Param p) {
        if (!Arrays.equals(t.shape(), p.shape())) {
            throw new IllegalArgumentException("the training state's " + t.name() + " has shape "
                    + Arrays.toString(t.shape()) + " but the model's is " + Arrays.toString(p.shape()));
        }
        return t;
    }
}
