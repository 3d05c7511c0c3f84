package dev.clnn.spark;

import dev.clnn.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;

/** Training data for {@link SparkTrainer}: from an in-memory data set or from a DataFrame. */
public final class Samples {
    private Samples() {
    }

    /** The samples of {@code data} in order, cut into {@code slices} partitions. */
    public static JavaRDD<Sample> of(JavaSparkContext spark, Dataset data, int slices) {
        List<Sample> samples = new ArrayList<>(data.n());
        int f = data.features();
        for (int i = 0; i < data.n(); i++) {
            float[] x = new float[f];
            System.arraycopy(data.x(), i * f, x, 0, f);
            samples.add(new Sample(x, data.y()[i]));
        }
        return spark.parallelize(samples, slices);
    }

    /**
     * The rows of a DataFrame with a {@code features} column (an array of float or double; Spark ML vectors are not
     * read) and an integer {@code label} column, in the DataFrame's order, which is the data-set order the seeded
     * epochs refer to.
     */
    public static JavaRDD<Sample> fromDataFrame(org.apache.spark.sql.Dataset<Row> frame) {
        return frame.select("features", "label").javaRDD().map(row -> {
            List<Object> values = row.getList(0);
            float[] x = new float[values.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = ((Number) values.get(i)).floatValue();
            }
            return new Sample(x, ((Number) row.get(1)).intValue());
        });
    }
}
