package dev.clnn.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Writes a synthetic Parquet table of any size with Spark, the rows made on the executors (the driver never holds
 * them): float features {@code f0..f(k-1)} uniform in [-1, 1), seeded, and an integer {@code label} that a linear
 * model can learn, 1 where Σ_j (−1)^j f_j > 0, else 0. For a driver-memory check on a cluster: train on a table
 * larger than the driver's heap, e.g.
 * {@code clnn-spark train --data big.parquet --label label --model "linear(64,2)"}.
 */
public final class SyntheticParquet {
    private SyntheticParquet() {
    }

    /** Writes {@code rows} × {@code features} at {@code location} (any path Spark writes), replacing it. */
    public static void write(SparkSession spark, String location, long rows, int features, long seed) {
        List<Column> columns = new ArrayList<>();
        Column score = lit(0.0);
        for (int j = 0; j < features; j++) {
            Column f = rand(seed + j).multiply(2).minus(1).cast(DataTypes.FloatType);
            columns.add(f.as("f" + j));
            score = j % 2 == 0 ? score.plus(col("f" + j)) : score.minus(col("f" + j));
        }
        spark.range(rows).select(columns.toArray(Column[]::new))
                .withColumn("label", when(score.gt(0), 1).otherwise(0))
                .write().mode("overwrite").parquet(location);
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
