/**
 * Data-parallel training on several devices in one process: one replica of the model per backend, each global
 * batch split into shards ({@link dev.clnn.parallel.ShardPlan}), forward and backward on every replica at once (a
 * thread per device, {@link dev.clnn.parallel.DeviceThreads}), the gradients summed in rank order
 * ({@link dev.clnn.parallel.GradientAllReduce}) and the same SGD update on every replica.
 * {@link dev.clnn.parallel.DataParallelStep} plugs this into {@link dev.clnn.train.Trainer};
 * {@link dev.clnn.parallel.ParallelStepRunner} is {@code clnn step --devices}.
 */
package dev.clnn.parallel;
