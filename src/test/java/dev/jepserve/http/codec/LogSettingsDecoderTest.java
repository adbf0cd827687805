package dev.jepserve.http.codec;

import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import dev.jepserve.logging.LogFormat;
import dev.jepserve.logging.LogSettingsChange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogSettingsDecoderTest {
    private final LogSettingsDecoder decoder = new LogSettingsDecoder();

    private LogSettingsChange decode(String body) {
        return decoder.decode(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryMemberAndIgnoresNulls() {
        assertThat(decode("{\"log_info\":false,\"log_warning\":null,\"log_verbose_level\":2,"
                + "\"log_format\":\"ISO8601\",\"log_file\":null}"))
                .isEqualTo(new LogSettingsChange(false, null, null, 2, LogFormat.ISO8601));
        assertThat(decode("")).isEqualTo(LogSettingsChange.none());
    }

    @Test
    void refusesWhatTritonRefusesWithItsCodesAndTexts() {
        assertThatThrownBy(() -> decode("{\"log_file\":\"x\"}")).isInstanceOf(TritonException.class)
                .hasMessage("log file location can not be updated through network protocol")
                .extracting(e -> ((TritonException) e).code()).isEqualTo(TritonCode.UNSUPPORTED);
        assertThatThrownBy(() -> decode("{\"log_format\":\"iso8601\"}"))
                .hasMessage("invalid argument for --log_format, got: iso8601")
                .extracting(e -> ((TritonException) e).code()).isEqualTo(TritonCode.UNAVAILABLE);
        assertThatThrownBy(() -> decode("{\"log_error\":0}"))
                .hasMessage("attempt to access JSON non-boolean as boolean");
        assertThatThrownBy(() -> decode("{\"log_verbose_level\":1.5}"))
                .hasMessage("attempt to access JSON non-unsigned-integer as unsigned-integer");
        assertThatThrownBy(() -> decode("{")).hasMessageStartingWith("failed to parse the request JSON buffer: ");
    }
}
