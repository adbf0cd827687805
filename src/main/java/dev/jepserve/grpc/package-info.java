/** Triton's gRPC front end: {@code inference.GRPCInferenceService} and {@code grpc.health.v1.Health} over the protocol-free inference service. */
package dev.jepserve.grpc;
