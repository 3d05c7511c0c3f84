package dev.clnn.spark;

import dev.clnn.data.BatchIterator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Lays out one epoch: each sample goes, by one shuffle, to the partition that trains on it ({@link EpochPlan}) in the
 * order of {@code clnn train}'s seeded epoch ({@link BatchIterator#epochOrder}), and each partition becomes one
 * {@link Shard}. The layout depends only on (n, batch, partitions, seed, epoch) and every sort key is unique, so a
 * recomputed partition (a lost executor, a retried task) is the same shard.
 */
final class EpochShards {
    private EpochShards() {
    }

    /**
     * @param indexed  every training sample with its index 0..n-1 (the order of the data set)
     * @param features values per sample
     */
    static JavaRDD<Shard> of(JavaPairRDD<Sample, Long> indexed, EpochPlan plan, long seed, int epoch, int features) {
        JavaPairRDD<Integer, Sample> byPosition = indexed.mapPartitionsToPair(samples -> {
            int[] positionOf = inverse(BatchIterator.epochOrder(plan.n(), seed, epoch));
            List<Tuple2<Integer, Sample>> keyed = new ArrayList<>();
            samples.forEachRemaining(s -> keyed.add(new Tuple2<>(positionOf[Math.toIntExact(s._2())], s._1())));
            return keyed.iterator();
        });
        return byPosition.repartitionAndSortWithinPartitions(new ShardPartitioner(plan))
                .mapPartitionsWithIndex((p, rows) -> List.of(shard(p, rows, plan, features)).iterator(), true);
    }

    /** positionOf[order[p]] = p. */
    private static int[] inverse(int[] order) {
        int[] positionOf = new int[order.length];
        for (int p = 0; p < order.length; p++) {
            positionOf[order[p]] = p;
        }
        return positionOf;
    }

    /**
     * The partition's rows, sorted by epoch position, as one shard with per-batch offsets. It keeps the labels when
     * every row has one, and the float targets when every row has them (all of one width).
     */
    private static Shard shard(int partition, Iterator<Tuple2<Integer, Sample>> rows, EpochPlan plan, int features) {
        List<Tuple2<Integer, Sample>> list = new ArrayList<>();
        rows.forEachRemaining(list::add);
        boolean labels = list.stream().allMatch(r -> r._2().hasLabel());
        boolean targets = !list.isEmpty() && list.stream().allMatch(r -> r._2().targets() != null);
        int width = targets ? list.get(0)._2().targets().length : 0;
        float[] x = new float[list.size() * features];
        int[] y = labels ? new int[list.size()] : null;
        float[] t = targets ? new float[list.size() * width] : null;
        int[] offsets = new int[plan.batchCount() + 1];
        for (int r = 0; r < list.size(); r++) {
            Sample s = list.get(r)._2();
            if (s.features().length != features) {
                throw new IllegalArgumentException("sample at epoch position " + list.get(r)._1() + " has "
                        + s.features().length + " features, expected " + features);
            }
            System.arraycopy(s.features(), 0, x, r * features, features);
            if (labels) {
                y[r] = s.label();
            }
            if (targets) {
                if (s.targets().length != width) {
                    throw new IllegalArgumentException("sample at epoch position " + list.get(r)._1() + " has "
                            + s.targets().length + " targets, expected " + width);
                }
                System.arraycopy(s.targets(), 0, t, r * width, width);
            }
            offsets[list.get(r)._1() / plan.batch() + 1]++;
        }
        int[] firstRows = new int[plan.batchCount()];
        for (int b = 0; b < plan.batchCount(); b++) {
            offsets[b + 1] += offsets[b];
            firstRows[b] = plan.shardStart(b, partition);
        }
        return new Shard(partition, features, x, y, width, t, offsets, firstRows);
    }

    /** Sends epoch position k to {@link EpochPlan#partitionOf}(k). */
    private static final class ShardPartitioner extends Partitioner {
        private final EpochPlan plan;

        ShardPartitioner(EpochPlan plan) {
            this.plan = plan;
        }

        @Override
        public int numPartitions() {
            return plan.partitions();
        }

        @Override
        public int getPartition(Object key) {
            return plan.partitionOf((Integer) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ShardPartitioner other && other.plan.equals(plan);
        }

        @Override
        public int hashCode() {
            return plan.hashCode();
        }
    }
}
