/**
 * Model specifications ({@link dev.clnn.model.ModelSpec}), building a network from one, checkpoints of its weights,
 * and the op families its first step adds ({@link dev.clnn.model.FirstStepOps}). Depends on {@code nn}, {@code data}
 * and the neutral API only.
 */
package dev.clnn.model;
