package dev.clnn.data;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contents of a safetensors file: its tensors by name and its string metadata (empty when the header has no
 * "__metadata__").
 *
 * @param tensors  every tensor, keyed and sorted by name
 * @param metadata the "__metadata__" pairs, sorted by key
 */
public record SafetensorsFile(Map<String, TensorEntry> tensors, Map<String, String> metadata) {
    public SafetensorsFile {
        tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /**
     * The tensor with this name.
     *
     * @throws IllegalArgumentException if there is none, listing the names there are
     */
    public TensorEntry tensor(String name) {
        TensorEntry t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor \"" + name + "\"; the file has " + tensors.keySet());
        }
        return t;
    }
}
