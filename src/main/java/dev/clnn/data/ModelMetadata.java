package dev.clnn.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metadata keys a weights file may carry beside the parameters, for {@code clnn predict} to read inputs and
 * name outputs as training saw them. Lists are JSON arrays of strings (safetensors metadata values are strings).
 *
 * <ul>
 *   <li>{@value #TASK}: {@code classification} (the default) or {@code regression};</li>
 *   <li>{@value #CLASSES}: the class names, in class-index order;</li>
 *   <li>{@value #TARGETS}: the regression targets' names, in output order;</li>
 *   <li>{@value #FEATURES}: the CSV feature columns the model takes, in input order;</li>
 *   <li>{@value #LOSS}: the loss it was trained with ({@code ce}, {@code mse}, {@code kl});</li>
 *   <li>{@value #SPLIT_SEED} and {@value #TEST_FRACTION}: how the test rows were split off a single table, so that
 *       {@code eval} tests on the same rows.</li>
 * </ul>
 */
public final class ModelMetadata {
    public static final String TASK = "clnn.task";
    public static final String CLASSES = "clnn.classes";
    public static final String TARGETS = "clnn.targets";
    public static final String FEATURES = "clnn.features";
    public static final String LOSS = "clnn.loss";
    public static final String SPLIT_SEED = "clnn.split-seed";
    public static final String TEST_FRACTION = "clnn.test-fraction";
    public static final String REGRESSION = "regression";
    public static final String CLASSIFICATION = "classification";

    private ModelMetadata() {
    }

    /**
     * The list stored under {@code key}, or null when the metadata has no such key.
     *
     * @throws IllegalArgumentException naming the key when the value is not a JSON array of strings
     */
    public static List<String> names(Map<String, String> metadata, String key) {
        String text = metadata.get(key);
        if (text == null) {
            return null;
        }
        Object value;
        try {
            value = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata " + key + " is not JSON: " + e.getMessage(), e);
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("metadata " + key + " must be a JSON array of strings, got " + text);
        }
        List<String> names = new ArrayList<>();
        list.forEach(v -> names.add((String) v));
        return List.copyOf(names);
    }

    /** The JSON array of strings that {@link #names} reads back. */
    public static String toJson(List<String> names) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < names.size(); i++) {
            out.append(i == 0 ? "" : ",").append(Json.quote(names.get(i)));
        }
        return out.append(']').toString();
    }

    /**
     * Whether the metadata says the model is a regressor.
     *
     * @throws IllegalArgumentException when {@value #TASK} is neither {@code classification} nor {@code regression}
     */
    public static boolean isRegression(Map<String, String> metadata) {
        String task = metadata.getOrDefault(TASK, CLASSIFICATION);
        if (!task.equals(CLASSIFICATION) && !task.equals(REGRESSION)) {
            throw new IllegalArgumentException("metadata " + TASK + " must be " + CLASSIFICATION + " or " + REGRESSION
                    + ", got \"" + task + "\"");
        }
        return task.equals(REGRESSION);
    }
}
