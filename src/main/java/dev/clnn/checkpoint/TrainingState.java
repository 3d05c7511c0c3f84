package dev.clnn.checkpoint;

import dev.clnn.data.TensorEntry;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a training run needs to continue bit for bit where it stopped: the options that shape it, its
 * position, the model's parameters, the optimiser's momentum buffers, the curves drawn in its plot and the metrics
 * rows written so far. The run's seeds are among the settings, and the data order of every epoch follows from them,
 * so no random generator state needs keeping.
 *
 * @param settings   the options that shape the run, by name (model, data identity, batch, schedule, seed, …)
 * @param position   where the run stands
 * @param params     the model's state dict under PyTorch names: parameters (F32) and buffers (F32, or I64 counts)
 * @param momentum   momentum buffers by parameter name, F32; empty without momentum or before the first step
 * @param curves     the plot's curves by name (e.g. per-step loss), F64
 * @param metricsCsv the metrics CSV written so far, or "" without a metrics file
 */
public record TrainingState(Map<String, String> settings, TrainingPosition position, List<TensorEntry> params,
        Map<String, TensorEntry> momentum, Map<String, double[]> curves, String metricsCsv) {
    public TrainingState {
        settings = Map.copyOf(settings);
        Objects.requireNonNull(position, "position");
        params = List.copyOf(params);
        momentum = Map.copyOf(momentum);
        curves = Map.copyOf(curves);
        Objects.requireNonNull(metricsCsv, "metricsCsv");
    }
}
