/**
 * The backend-neutral API: {@link dev.clnn.backend.Backend} (the ops), {@link dev.clnn.backend.Tensor},
 * {@link dev.clnn.backend.Backends} (picks a backend from a device selector, lists the devices, finds a
 * {@link dev.clnn.backend.GradientSum} for data-parallel replicas), and the shapes, argument checks and value types
 * the ops take. Depends on nothing else in clnn: the backends depend on it and are found as
 * {@link dev.clnn.backend.BackendProvider}s.
 */
package dev.clnn.backend;
