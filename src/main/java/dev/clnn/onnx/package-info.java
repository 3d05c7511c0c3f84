/**
 * ONNX export: a trained {@link dev.clnn.nn.Sequential} written as an opset-13 ONNX graph that ONNX Runtime and other
 * inference engines can serve. Depends on {@code nn}, {@code data} and the neutral API, and on ONNX's generated
 * protobuf classes ({@code ai.onnx.proto}, an optional dependency), which only {@code OnnxGraph} names.
 */
package dev.clnn.onnx;
