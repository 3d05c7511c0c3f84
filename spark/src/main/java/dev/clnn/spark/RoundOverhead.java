package dev.clnn.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code clnn-spark overhead}: what synchronising the replicas costs before any training, in the context given, so
 * the per-round term of a run can be read off and broken down: the first Spark job (the scheduler, executors and
 * task code warming up), a later empty job (launching a job), a job whose tasks read a broadcast of the weights, a job
 * whose tasks each return a gradient, a K = 1 round of jobs (both: what {@link Sync#JOBS} pays per step), and a step
 * of a barrier segment (every task's gradient all-gathered inside one running job: what {@link Sync#BARRIER} pays per
 * step). No compute: the arrays are made at memory speed.
 */
final class RoundOverhead {
    private RoundOverhead() {
    }

    /** @param parameters floats per weight copy, e.g. 535,818 for the default MLP */
    static void measure(JavaSparkContext spark, int parameters, int rounds, PrintStream out) {
        int partitions = spark.defaultParallelism();
        List<Integer> slots = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            slots.add(p);
        }
        JavaRDD<Integer> tasks = spark.parallelize(slots, partitions).cache();
        long start = System.nanoTime();
        tasks.count();
        double first = ms(start);
        float[] weights = random(parameters);
        double mb = parameters * 4 / 1e6;
        out.printf(Locale.ROOT, "Spark %s, master %s, %d tasks per job, %.2f MB per weight or gradient copy%n",
                spark.version(), spark.master(), partitions, mb);
        out.printf(Locale.ROOT, "first job                                %8.1f ms%n", first);
        report(out, "job launch (an empty job)", timed(rounds, () -> tasks.count()));
        report(out, "broadcast of the weights", timed(rounds, () -> {
            Broadcast<float[]> sent = spark.broadcast(weights);
            tasks.map(p -> sent.value().length).collect();
            sent.destroy();
            return null;
        }));
        report(out, "results back (a gradient per task)", timed(rounds, () -> tasks.map(p -> filled(parameters))
                .collect()));
        report(out, "round of jobs (both: --sync jobs, K = 1)", timed(rounds, () -> {
            Broadcast<float[]> sent = spark.broadcast(weights);
            tasks.map(p -> filled(sent.value().length)).collect();
            sent.destroy();
            return null;
        }));
        long job = System.nanoTime();
        Broadcast<Integer> segment = spark.broadcast(0); // the exchange's blocks are fields of a broadcast
        List<double[]> perStep = BarrierJob.map(tasks, (context, rows) -> {
            BarrierExchange exchange = new BarrierExchange(context, segment.id());
            ReplicaResult mine = new ReplicaResult(context.partitionId(), new int[] {1}, new double[1], null,
                    new float[][] {random(parameters)}, "");
            double[] times = new double[rounds + 1];
            for (int s = 0; s <= rounds; s++) {
                long t = System.nanoTime();
                exchange.allGather(mine, s);
                times[s] = ms(t);
            }
            return List.of(times).iterator();
        }, double[].class).collect();
        double barrierJob = ms(job);
        segment.destroy();
        double[] steps = Arrays.copyOfRange(perStep.get(0), 1, rounds + 1);
        report(out, "barrier step (all-gather, --sync barrier)", steps);
        out.printf(Locale.ROOT, "  (the barrier job of %d steps took %.1f ms in all)%n", rounds + 1, barrierJob);
    }

    /** The times of {@code rounds} runs of {@code job} after one untimed run. */
    private static double[] timed(int rounds, Supplier<Object> job) {
        job.get();
        double[] times = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            job.get();
            times[r] = ms(t);
        }
        return times;
    }

    private static void report(PrintStream out, String what, double[] times) {
        out.printf(Locale.ROOT, "%-41s%8.1f ms  (median of %d; fastest %.1f)%n", what, median(times), times.length,
                Arrays.stream(times).min().orElse(0));
    }

    private static float[] random(int n) {
        Random random = new Random(n);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** A gradient-sized array made at memory speed, so the tasks' timings are Spark's, not a generator's. */
    private static float[] filled(int n) {
        float[] values = new float[n];
        Arrays.fill(values, 0.5f);
        return values;
    }

    private static double ms(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
