package dev.jepserve.grpc;

import io.grpc.stub.StreamObserver;

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
}
