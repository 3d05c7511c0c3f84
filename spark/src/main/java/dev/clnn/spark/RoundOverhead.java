package dev.clnn.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code clnn-spark overhead}: what a synchronous round costs before any training, in the context given: the first
 * Spark job (the scheduler, executors and task code warming up), later empty jobs, and rounds that carry a model's
 * state the way {@link SparkTrainer} does (broadcast weights and momentum, every task returns its copy) with no
 * compute, so the per-round term of the scaling model can be read off.
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
        double[] empty = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            tasks.count();
            empty[r] = ms(t);
        }
        float[][] state = {new float[parameters], new float[parameters]}; // weights and momentum
        double[] carrying = new double[rounds + 1];
        for (int r = 0; r <= rounds; r++) {
            long t = System.nanoTime();
            Broadcast<float[][]> sent = spark.broadcast(state);
            List<float[][]> back = tasks.map(p -> sent.value()).collect();
            sent.destroy();
            if (back.size() != partitions) {
                throw new IllegalStateException(back.size() + " results from " + partitions + " tasks");
            }
            carrying[r] = ms(t);
        }
        double mb = 2.0 * parameters * 4 / 1e6;
        out.printf(Locale.ROOT, "Spark %s, master %s, %d tasks per job%n", spark.version(), spark.master(),
                partitions);
        out.printf(Locale.ROOT, "first job               %8.1f ms%n", first);
        out.printf(Locale.ROOT, "later empty jobs        %8.1f ms  (median of %d; min %.1f)%n", median(empty),
                rounds, Arrays.stream(empty).min().orElse(0));
        double[] timed = Arrays.copyOfRange(carrying, 1, rounds + 1);
        out.printf(Locale.ROOT, "round carrying %.1f MB  %8.1f ms  (median of %d after one warm-up; min %.1f;"
                + " broadcast weights+momentum, %d copies back)%n", mb, median(timed), rounds,
                Arrays.stream(timed).min().orElse(0), partitions);
        float[] weights = new float[parameters];
        double[] bcast = new double[rounds + 1];
        double[] back = new double[rounds + 1];
        double[] closure = new double[rounds + 1];
        for (int r = 0; r <= rounds; r++) {
            long t = System.nanoTime();
            Broadcast<float[]> w = spark.broadcast(weights);
            tasks.map(p -> w.value().length).collect();
            w.destroy();
            bcast[r] = ms(t);
            t = System.nanoTime();
            tasks.map(p -> new float[parameters]).collect();
            back[r] = ms(t);
            t = System.nanoTime();
            float[] carried = weights.clone();
            tasks.map(p -> new float[carried.length]).collect();
            closure[r] = ms(t);
        }
        out.printf(Locale.ROOT, "broadcast only %8.1f  results back only %8.1f  closure+results %8.1f%n",
                median(Arrays.copyOfRange(bcast, 1, rounds + 1)), median(Arrays.copyOfRange(back, 1, rounds + 1)),
                median(Arrays.copyOfRange(closure, 1, rounds + 1)));
        float[] gradient = new float[parameters];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < parameters; i++) {
            gradient[i] = (float) random.nextGaussian();
        }
        int steps = rounds;
        long jobStart = System.nanoTime();
        List<double[]> perStep = BarrierJob.map(tasks, (context, rows) -> {
            double[] t = new double[steps + 1];
            for (int s = 0; s <= steps; s++) {
                long t0 = System.nanoTime();
                String message = Messages.encode(gradient);
                Thread task = Thread.currentThread();
                java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
                Thread poke = new Thread(() -> {
                    while (!done.get()) {
                        task.interrupt();
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                });
                poke.start();
                String[] all;
                try {
                    all = context.allGather(message);
                } finally {
                    done.set(true);
                    while (poke.isAlive()) {
                        try {
                            poke.join();
                        } catch (InterruptedException e) {
                            // the poke's own, until it stops
                        }
                    }
                    Thread.interrupted();
                }
                for (String m : all) {
                    Messages.decode(m, float[].class);
                }
                t[s] = (System.nanoTime() - t0) / 1e6;
            }
            return List.of(t).iterator();
        }, double[].class).collect();
        double job = ms(jobStart);
        double[] step = Arrays.copyOfRange(perStep.get(0), 1, steps + 1);
        out.printf(Locale.ROOT, "barrier step, %.1f MB each way %8.1f ms  (median of %d; min %.1f; job %.1f ms)%n",
                parameters * 4 / 1e6, median(step), steps, Arrays.stream(step).min().orElse(0), job);
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
