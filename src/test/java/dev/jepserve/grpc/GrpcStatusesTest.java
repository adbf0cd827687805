package dev.jepserve.grpc;

import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcStatusesTest {
    @ParameterizedTest
    @CsvSource({
        "UNKNOWN, UNKNOWN",
        "INTERNAL, INTERNAL",
        "NOT_FOUND, NOT_FOUND",
        "INVALID_ARG, INVALID_ARGUMENT",
        "UNAVAILABLE, UNAVAILABLE",
        "UNSUPPORTED, UNIMPLEMENTED",
        "ALREADY_EXISTS, ALREADY_EXISTS",
        "CANCELLED, CANCELLED",
    })
    void mapsEveryTritonCodeAsTritonDoes(TritonCode code, Status.Code expected) {
        assertThat(GrpcStatuses.code(code)).isEqualTo(expected);
    }

    @Test
    void keepsTheMessageOfAWrappedTritonError() {
        Status status = GrpcStatuses.status(new CompletionException(TritonException.notFound("Request for unknown "
                + "model: 'm' is not found")));
        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("Request for unknown model: 'm' is not found");
    }

    @Test
    void anyOtherFailureIsInternalWithNeitherItsMessageNorAClassName() {
        Status status = GrpcStatuses.status(new IllegalStateException("broken at /srv/x"));
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).isEqualTo("internal error");
        assertThat(GrpcStatuses.status(new java.util.concurrent.CancellationException()).getCode())
                .isEqualTo(Status.Code.CANCELLED);
        assertThat(GrpcStatuses.status(new NullPointerException()).getDescription()).isEqualTo("internal error");
    }
}
