package dev.jepserve.grpc;

import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import dev.jepserve.inference.UnexpectedFailures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one place where Triton's error codes become gRPC statuses (Triton's GrpcStatusUtil::CodeToStatus). */
public final class GrpcStatuses {
    private GrpcStatuses() {
    }

    /** The gRPC status code Triton answers with for this error code. */
    public static Status.Code code(TritonCode code) {
        return switch (code) {
            case UNKNOWN -> Status.Code.UNKNOWN;
            case INTERNAL -> Status.Code.INTERNAL;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case INVALID_ARG -> Status.Code.INVALID_ARGUMENT;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case UNSUPPORTED -> Status.Code.UNIMPLEMENTED;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case CANCELLED -> Status.Code.CANCELLED;
        };
    }

    /** The status for a Triton error: mapped code, the same message HTTP puts in {@code error}. */
    public static Status status(TritonException error) {
        return Status.fromCode(code(error.code())).withDescription(String.valueOf(error.getMessage()));
    }

    /**
     * The status for any failure: a TritonException (also wrapped in a future's exception) keeps its code and
     * text; anything else is INTERNAL with its message only, never a class name or stack trace.
     */
    public static Status status(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TritonException triton) {
            return status(triton);
        }
        if (cause instanceof StatusRuntimeException grpc) {
            return grpc.getStatus();
        }
        if (cause instanceof CancellationException) { // the call was cancelled: nobody reads the answer
            return Status.CANCELLED.withDescription("request cancelled");
        }
        return Status.INTERNAL.withDescription(UnexpectedFailures.clientText(cause));
    }

    public static StatusRuntimeException exception(Throwable failure) {
        return status(failure).asRuntimeException();
    }

    /** The Triton error a failure carries, or an INTERNAL one with its message. */
    public static TritonException tritonError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TritonException triton) {
            return triton;
        }
        if (cause instanceof CancellationException) {
            return new TritonException(TritonCode.CANCELLED, "request cancelled");
        }
        return TritonException.internal(UnexpectedFailures.clientText(cause));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
