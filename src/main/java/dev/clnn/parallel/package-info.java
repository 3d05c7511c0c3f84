/**
 * Data-parallel training on several devices in one process: one replica of the model per backend, each global
 * batch split into shards ({@link dev.clnn.parallel.ShardPlan}), forward and backward on every replica at once (a
 * thread per device, {@link dev.clnn.parallel.DeviceThreads}), the gradients summed in rank order
 * ({@link dev.clnn.parallel.GradientAllReduce}) and the same optimiser update on every
 * replica, each replica running the one training step ({@link dev.clnn.train.ModelStep}).
 * {@link dev.clnn.parallel.DataParallelStep} plugs this into {@link dev.clnn.train.Trainer};
 * {@link dev.clnn.parallel.ParallelStepRunner} is {@code clnn step}, on one device or several. The shard rule
 * ({@link dev.clnn.parallel.ShardPlan}) is Spark's too. Depends on the neutral backend API
 * and on {@code dev.clnn.backend.opencl} for one thing: the device-side sum of the gradients, which needs OpenCL
 * buffers that no neutral type describes.
 */
package dev.clnn.parallel;
