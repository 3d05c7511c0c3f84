package dev.clnn.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed and fully validated safetensors header: where each tensor lies in the data section, and the metadata.
 * Validation finishes before the caller allocates any tensor, so a hostile header can only cost its own size.
 */
final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");

    /** One tensor's place in the data section: bytes [begin, end), relative to the section's start. */
    record Slot(String name, SafetensorsDtype dtype, int[] shape, int elements, long begin, long end) {
    }

    final List<Slot> slots; // sorted by begin
    final Map<String, String> metadata;

    private SafetensorsHeader(List<Slot> slots, Map<String, String> metadata) {
        this.slots = slots;
        this.metadata = metadata;
    }

    /**
     * Parses and checks a header against a data section of dataBytes bytes: JSON well-formed, dtypes known, shapes
     * non-negative with an int-sized product, offsets inside the section and matching the shape, and the tensors
     * tiling the section exactly (no overlap, no gap, no trailing bytes). Errors name source and the tensor.
     */
    static SafetensorsHeader parse(String json, long dataBytes, Object source) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new DataFileException(source, "header: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> entries)) {
            throw new DataFileException(source, "header: the top-level JSON value must be an object");
        }
        List<Slot> slots = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = metadata(e.getValue(), source);
            } else {
                slots.add(slot(name, e.getValue(), dataBytes, source));
            }
        }
        checkTiling(slots, dataBytes, source);
        return new SafetensorsHeader(slots, metadata);
    }

    private static Map<String, String> metadata(Object value, Object source) {
        if (!(value instanceof Map<?, ?> pairs)) {
            throw new DataFileException(source, "header: \"" + METADATA_KEY + "\" must be an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> p : pairs.entrySet()) {
            if (!(p.getValue() instanceof String s)) {
                throw new DataFileException(source, "header: \"" + METADATA_KEY + "\" value of " + p.getKey()
                        + " must be a string");
            }
            metadata.put((String) p.getKey(), s);
        }
        return metadata;
    }

    private static Slot slot(String name, Object value, long dataBytes, Object source) {
        String where = "tensor \"" + name + "\": ";
        if (!(value instanceof Map<?, ?> fields)) {
            throw new DataFileException(source, where + "entry must be an object");
        }
        for (Object key : fields.keySet()) {
            if (!ENTRY_KEYS.contains(key)) {
                throw new DataFileException(source, where + "unexpected field \"" + key + "\"");
            }
        }
        if (!(fields.get("dtype") instanceof String dtypeName)) {
            throw new DataFileException(source, where + "field \"dtype\" missing or not a string");
        }
        SafetensorsDtype dtype = SafetensorsDtype.fromHeader(dtypeName);
        if (dtype == null) {
            throw new DataFileException(source, where + "unsupported dtype \"" + dtypeName + "\" (supported: F32, "
                    + "F64, I32, I64)");
        }
        List<Long> shapeList = integers(fields.get("shape"), "shape", -1, where, source);
        int[] shape = new int[shapeList.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = shapeList.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new DataFileException(source, where + "shape entry " + i + " is " + d
                        + ", must be in [0, 2^31)");
            }
            shape[i] = (int) d;
            elements *= d;
            if (elements > Integer.MAX_VALUE - 8) {
                throw new DataFileException(source, where + "shape " + shapeList
                        + " has more elements than a Java array holds");
            }
        }
        List<Long> offsets = integers(fields.get("data_offsets"), "data_offsets", 2, where, source);
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new DataFileException(source, where + "data_offsets " + offsets + " are not a range inside the "
                    + dataBytes + "-byte data section");
        }
        long needed = elements * dtype.bytes();
        if (end - begin != needed) {
            throw new DataFileException(source, where + "data_offsets " + offsets + " hold " + (end - begin)
                    + " bytes but " + dtype + " shape " + shapeList + " needs " + needed);
        }
        return new Slot(name, dtype, shape, (int) elements, begin, end);
    }

    /** A JSON array of integers; length -1 accepts any length. */
    private static List<Long> integers(Object value, String field, int length, String where, Object source) {
        if (!(value instanceof List<?> items)) {
            throw new DataFileException(source, where + "field \"" + field + "\" missing or not an array");
        }
        if (length >= 0 && items.size() != length) {
            throw new DataFileException(source, where + "field \"" + field + "\" must have " + length
                    + " entries, has " + items.size());
        }
        List<Long> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Long v)) {
                throw new DataFileException(source, where + "field \"" + field + "\" must hold integers only");
            }
            out.add(v);
        }
        return out;
    }

    /** The format requires the tensors to cover the data section exactly, in some order, with no overlap. */
    private static void checkTiling(List<Slot> slots, long dataBytes, Object source) {
        slots.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end));
        long covered = 0;
        Slot previous = null;
        for (Slot s : slots) {
            if (s.begin() < covered) {
                throw new DataFileException(source, "tensor \"" + s.name() + "\": data_offsets [" + s.begin() + ", "
                        + s.end() + "] overlap tensor \"" + previous.name() + "\" [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (s.begin() > covered) {
                throw new DataFileException(source, "tensor \"" + s.name() + "\": data_offsets start at "
                        + s.begin() + ", leaving a gap of unused bytes [" + covered + ", " + s.begin() + ")");
            }
            covered = s.end();
            previous = s;
        }
        if (covered != dataBytes) {
            throw new DataFileException(source, "data section has " + dataBytes + " bytes but the tensors cover "
                    + covered + " (trailing bytes)");
        }
    }
}
