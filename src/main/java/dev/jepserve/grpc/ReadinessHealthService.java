package dev.jepserve.grpc;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

import java.util.function.BooleanSupplier;

/**
 * {@code grpc.health.v1.Health/Check} as Triton answers it: SERVING while the server is ready, NOT_SERVING
 * otherwise, whatever service name is asked about. Watch is not offered (UNIMPLEMENTED), as in Triton.
 */
final class ReadinessHealthService extends HealthGrpc.HealthImplBase {
    private final BooleanSupplier ready;

    ReadinessHealthService(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
        UnaryCalls.answer(observer, () -> HealthCheckResponse.newBuilder()
                .setStatus(ready.getAsBoolean() ? HealthCheckResponse.ServingStatus.SERVING
                        : HealthCheckResponse.ServingStatus.NOT_SERVING)
                .build());
    }
}
