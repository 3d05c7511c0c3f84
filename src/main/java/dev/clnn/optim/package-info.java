/**
 * Optimisers and learning-rate schedules: {@link dev.clnn.optim.Sgd} updates parameters with the backend's op, the
 * schedules are plain functions of the step. Depends on {@code nn} and the neutral API only.
 */
package dev.clnn.optim;
