package dev.jepserve.http.transport;

import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class HttpRepliesTest {
    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @ParameterizedTest
    @CsvSource({"INTERNAL,500", "NOT_FOUND,404", "UNAVAILABLE,503", "UNSUPPORTED,501", "UNKNOWN,400",
            "INVALID_ARG,400", "ALREADY_EXISTS,400", "CANCELLED,400"})
    void tritonCodesMapToHttpStatus(TritonCode code, int status) {
        FullHttpResponse response = HttpReplies.error(new TritonException(code, "boom"));
        assertThat(response.status().code()).isEqualTo(status);
        assertThat(body(response)).isEqualTo("{\"error\":\"boom\"}");
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        FullHttpResponse response = HttpReplies.error(new CompletionException(TritonException.notFound("gone")));
        assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(body(response)).isEqualTo("{\"error\":\"gone\"}");
    }

    @Test
    void otherExceptionsAreInternalErrors() {
        // Their messages may name classes, fields or paths: the client hears only "internal error".
        FullHttpResponse response = HttpReplies.error(new IllegalStateException("bad state at /srv/x"));
        assertThat(response.status().code()).isEqualTo(500);
        assertThat(body(response)).isEqualTo("{\"error\":\"internal error\"}");
        assertThat(body(HttpReplies.error(new NullPointerException()))).isEqualTo("{\"error\":\"internal error\"}");
    }

    @Test
    void errorBodiesAreCompactEscapedJsonWithALength() {
        FullHttpResponse response = HttpReplies.error(400, "quote \" and \n newline");
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(response.content().readableBytes());
        assertThat(body(response)).isEqualTo("{\"error\":\"quote \\\" and \\n newline\"}");
    }

    @Test
    void fixedRoutingErrors() {
        FullHttpResponse notFound = HttpReplies.notFound();
        assertThat(notFound.status().code()).isEqualTo(404);
        assertThat(body(notFound)).isEqualTo("{\"error\":\"Not Found\"}");
        FullHttpResponse notAllowed = HttpReplies.methodNotAllowed();
        assertThat(notAllowed.status().code()).isEqualTo(405);
        assertThat(body(notAllowed)).isEqualTo("{\"error\":\"Method Not Allowed\"}");
    }

    @Test
    void emptyRepliesStillCarryALength() {
        FullHttpResponse empty = HttpReplies.empty(HttpResponseStatus.OK);
        assertThat(empty.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isZero();
        assertThat(body(empty)).isEmpty();
    }
}
