package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.GRPCInferenceServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;

import java.util.concurrent.Executor;

/**
 * Which thread runs a gRPC call's handler. ModelInfer runs on the connection's event loop, where its message
 * was read: it only decodes and queues the request (the model runs elsewhere), and a hop to a pool thread cost
 * a thread wake-up per request. Every other call (model loads, streams, repository and settings calls, which may
 * wait) runs on the pool.
 *
 * <p>The server's default executor must be {@link #INLINE}, not grpc-java's direct executor: only for other
 * executors does grpc-java let this supplier switch a call to the pool.
 */
final class CallExecutors implements ServerCallExecutorSupplier {
    /** Runs the handler on the calling thread (the event loop). */
    static final Executor INLINE = Runnable::run;

    private static final String MODEL_INFER = GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName();

    private final Executor pool;

    CallExecutors(Executor pool) {
        this.pool = pool;
    }

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
        // null keeps the default (inline) executor
        return MODEL_INFER.equals(call.getMethodDescriptor().getFullMethodName()) ? null : pool;
    }
}
