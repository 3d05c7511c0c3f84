/**
 * Data-parallel training on several devices in one process: one replica of the model per backend, each global
 * batch split into shards ({@link dev.clnn.parallel.ShardPlan}), forward and backward on every replica at once (a
 * thread per device, {@link dev.clnn.parallel.DeviceThreads}), the gradients summed in rank order
 * ({@link dev.clnn.parallel.GradientAllReduce}), in buckets of layers while the backward pass goes on
 * ({@link dev.clnn.parallel.GradientBuckets}), and the same optimiser update on every replica, each replica
 * running the one training step ({@link dev.clnn.train.ModelStep}).
 * {@link dev.clnn.parallel.DataParallelStep} plugs this into {@link dev.clnn.train.Trainer};
 * {@link dev.clnn.parallel.ParallelStepRunner} is {@code clnn step}, on one device or several. The shard rule
 * ({@link dev.clnn.parallel.ShardPlan}) is Spark's too. Depends only on the neutral backend API, never a
 * concrete backend: the device-side sum of the gradients is a {@link dev.clnn.backend.GradientSum} that a backend
 * kind offers ({@link dev.clnn.backend.Backends#gradientSum}), and {@code --devices all} lists the devices the
 * backend kinds name ({@link dev.clnn.backend.Backends#allDeviceSelectors}).
 */
package dev.clnn.parallel;
