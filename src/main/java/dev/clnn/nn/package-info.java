/**
 * Layers and losses over the neutral {@link dev.clnn.backend.Backend}: each forward and backward pass is a few of its
 * ops, parameters hold a value and a gradient ({@link dev.clnn.nn.Param}). Depends only on the neutral API: a layer
 * never knows which backend it runs on.
 */
package dev.clnn.nn;
