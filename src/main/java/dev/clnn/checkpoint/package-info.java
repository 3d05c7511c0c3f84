/**
 * Training state on disk, so an interrupted run continues exactly where it stopped: {@link TrainingState} (what a
 * run needs to go on), {@link StateFile} (one self-checking safetensors file) and {@link StateDirectory} (the last
 * few states of a run, newest intact first).
 */
package dev.clnn.checkpoint;
