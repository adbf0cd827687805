package dev.jepserve.inference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class TritonCodeTest {
    @ParameterizedTest
    @CsvSource({
        "UNKNOWN, 400",
        "INTERNAL, 500",
        "NOT_FOUND, 404",
        "INVALID_ARG, 400",
        "UNAVAILABLE, 503",
        "UNSUPPORTED, 501",
        "ALREADY_EXISTS, 400",
        "CANCELLED, 400",
    })
    void mapsToTritonsHttpStatus(TritonCode code, int status) {
        assertThat(code.httpStatus()).isEqualTo(status);
    }

    @ParameterizedTest
    @CsvSource({"UNKNOWN, 0", "INTERNAL, 1", "NOT_FOUND, 2", "INVALID_ARG, 3", "UNAVAILABLE, 4", "UNSUPPORTED, 5",
        "ALREADY_EXISTS, 6", "CANCELLED, 7"})
    void followsTritonServerErrorCodeOrder(TritonCode code, int pythonValue) {
        // pb_utils.TritonError codes cross from Python by these values.
        assertThat(code.ordinal()).isEqualTo(pythonValue);
    }
}
