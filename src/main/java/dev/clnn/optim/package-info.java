/**
 * Optimisers and learning-rate schedules: {@link dev.clnn.optim.Sgd} and {@link dev.clnn.optim.Adam} (Adam and
 * AdamW) update parameters with the backend's ops, {@link dev.clnn.optim.OptimizerKind} makes the one a run names,
 * and the schedules are plain functions of the step. Depends on {@code nn} and the neutral API only.
 */
package dev.clnn.optim;
