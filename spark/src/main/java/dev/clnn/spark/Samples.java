package dev.clnn.spark;

import dev.clnn.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;

/** Training data for {@link SparkTrainer}: from an in-memory data set or from a DataFrame. */
public final class Samples {
    private Samples() {
    }

    /**
     * The samples of {@code data} in order, cut into {@code slices} partitions, each with its label and its float
     * targets where the data set has them.
     */
    public static JavaRDD<Sample> of(JavaSparkContext spark, Dataset data, int slices) {
        List<Sample> samples = new ArrayList<>(data.n());
        int f = data.features();
        int w = data.targetWidth();
        for (int i = 0; i < data.n(); i++) {
            float[] x = Arrays.copyOfRange(data.x(), i * f, (i + 1) * f);
            float[] t = data.targets() == null ? null : Arrays.copyOfRange(data.targets(), i * w, (i + 1) * w);
            samples.add(new Sample(x, data.hasLabels() ? data.y()[i] : Sample.NO_LABEL, t));
        }
        return spark.parallelize(samples, slices);
    }

    /**
     * The rows of a DataFrame with a {@code features} column (an array of float or double; Spark ML vectors are not
     * read) and an integer {@code label} column (class labels, for {@code --loss ce}), a {@code target} column (an
     * array of float or double: regression values for mse, a probability row for kl), or both, in the DataFrame's
     * order, which is the data-set order the seeded epochs refer to.
     *
     * @throws IllegalArgumentException when the frame has neither a {@code label} nor a {@code target} column
     */
    public static JavaRDD<Sample> fromDataFrame(org.apache.spark.sql.Dataset<Row> frame) {
        List<String> columns = Arrays.asList(frame.columns());
        boolean label = columns.contains("label");
        boolean target = columns.contains("target");
        if (!label && !target) {
            throw new IllegalArgumentException("the DataFrame needs a \"label\" or a \"target\" column beside"
                    + " \"features\"; it has " + columns);
        }
        List<String> read = new ArrayList<>(List.of("features"));
        if (label) {
            read.add("label");
        }
        if (target) {
            read.add("target");
        }
        return frame.selectExpr(read.toArray(String[]::new)).javaRDD().map(row -> new Sample(floats(row.getList(0)),
                label ? ((Number) row.get(1)).intValue() : Sample.NO_LABEL,
                target ? floats(row.getList(label ? 2 : 1)) : null));
    }

    private static float[] floats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }
}
