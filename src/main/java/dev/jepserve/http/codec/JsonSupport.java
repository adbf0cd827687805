package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Jackson set up the way Triton's rapidjson reads and writes: NaN/Infinity as bare literals, shortest doubles. */
public final class JsonSupport {
    /** Writers are configured once; JsonFactory is thread-safe and holds no request state. */
    static final JsonFactory WRITER_FACTORY = JsonFactory.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private JsonSupport() {
    }

    /**
     * A reader for request bodies. Strings may be as long as the body itself (BYTES inputs as JSON);
     * NaN and Infinity literals are accepted like rapidjson's kParseNanAndInfFlag. Doubles are parsed by
     * Jackson's fast parser, straight from its character buffer (correctly rounded, like Double.parseDouble).
     */
    static ObjectMapper requestReader(int maxInputSize) {
        JsonFactory factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Math.max(maxInputSize, StreamReadConstraints.DEFAULT_MAX_STRING_LEN))
                        .build())
                .build();
        return new ObjectMapper(factory);
    }

    /** {@code {"error":"<message>"}}, compact. */
    public static byte[] errorJson(String message) {
        return write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("error", message);
            gen.writeEndObject();
        });
    }

    /** Compact JSON written by {@code body} into a byte array. */
    public static byte[] write(JsonBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = WRITER_FACTORY.createGenerator(out)) {
            body.writeTo(gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes one JSON document. */
    @FunctionalInterface
    public interface JsonBody {
        void writeTo(JsonGenerator gen) throws IOException;
    }
}
