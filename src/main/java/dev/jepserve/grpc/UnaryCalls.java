package dev.jepserve.grpc;

import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Answers a unary call with what {@code answer} returns, or with the mapped status of what it throws. */
final class UnaryCalls {
    private UnaryCalls() {
    }

    static <T> void answer(StreamObserver<T> observer, Supplier<T> answer) {
        T response;
        try {
            response = answer.get();
        } catch (RuntimeException failure) {
            observer.onError(GrpcStatuses.exception(failure));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    /** As {@link #answer}, for answers that complete later (a model load, a model's own readiness check). */
    static <T> void answerLater(StreamObserver<T> observer, Supplier<CompletionStage<T>> answer) {
        CompletionStage<T> later;
        try {
            later = answer.get();
        } catch (RuntimeException failure) {
            observer.onError(GrpcStatuses.exception(failure));
            return;
        }
        later.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                observer.onError(GrpcStatuses.exception(cause instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(cause.getMessage(), cause)));
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        });
    }
}
