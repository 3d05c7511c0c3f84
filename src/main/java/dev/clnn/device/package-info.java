/**
 * The OpenCL runtime, through JOCL: platforms and devices, context and queue, buffers, program builds and their
 * disk cache, kernel timing events. One of the two packages that import {@code org.jocl}; it depends on nothing
 * else in clnn.
 */
package dev.clnn.device;
