package dev.clnn.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a synthetic Parquet table of any size with Spark, the rows made on the executors (the driver never holds
 * them): float features {@code f0..f(k-1)} uniform in [-1, 1), and an integer {@code label} that a linear model can
 * learn, 1 where Σ_j (−1)^j f_j > 0, else 0. Row r's values come from a generator seeded by (seed, r), so the table
 * does not depend on how Spark partitions the work. The rows are made in Java rather than as column expressions, so
 * that thousands of features cost no deeper plan than a few. For a driver-memory check on a cluster: train on a
 * table larger than the driver's heap, e.g. {@code clnn-spark train --data big.parquet --label label --model
 * "linear(64,2)"}.
 */
public final class SyntheticParquet {
    private SyntheticParquet() {
    }

    /** Writes {@code rows} × {@code features} at {@code location} (any path Spark writes), replacing it. */
    public static void write(SparkSession spark, String location, long rows, int features, long seed) {
        List<StructField> fields = new ArrayList<>();
        for (int j = 0; j < features; j++) {
            fields.add(DataTypes.createStructField("f" + j, DataTypes.FloatType, false));
        }
        fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
        StructType schema = DataTypes.createStructType(fields);
        MapFunction<Long, Row> row = r -> row(r, features, seed);
        // Random floats do not repeat: a dictionary would only cost time. Row groups of 32 MiB rather than 128 keep the
        // writers' and the readers' buffers small next to an executor's heap.
        spark.range(rows).map(row, Encoders.row(schema)).write().mode("overwrite")
                .option("parquet.enable.dictionary", "false").option("parquet.block.size", 32 << 20)
                .parquet(location);
    }

    private static Row row(long r, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r);
        Object[] values = new Object[features + 1];
        double score = 0;
        for (int j = 0; j < features; j++) {
            float f = (float) (random.nextDouble() * 2 - 1);
            values[j] = f;
            score += j % 2 == 0 ? f : -f;
        }
        values[features] = score > 0 ? 1 : 0;
        return RowFactory.create(values);
    }

    /** {@code SyntheticParquet PATH ROWS FEATURES [SEED]}, with a local Spark unless spark-submit gives a master. */
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("synthetic parquet")
                .master(System.getProperty("spark.master", "local[*]")).getOrCreate();
        try {
            write(spark, args[0], Long.parseLong(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 ? Long.parseLong(args[3]) : 1);
        } finally {
            spark.stop();
        }
    }
}
