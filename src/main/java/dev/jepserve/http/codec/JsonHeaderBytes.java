package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * The JSON header at the start of an /infer body, read in place: parsers are opened over the whole header or
 * over one {@link JsonSpan} of it, straight from the body's array when it has one, else through a stream over
 * its bytes. Nothing is copied out of the body.
 */
final class JsonHeaderBytes {
    private final ByteBuf body;
    private final int start;
    private final int length;

    /** @param start the absolute index of the header's first byte; {@code body} must outlive every parser */
    JsonHeaderBytes(ByteBuf body, int start, int length) {
        this.body = body;
        this.start = start;
        this.length = length;
    }

    JsonParser parser(ObjectMapper json) throws IOException {
        return parser(json, 0, length);
    }

    /** A parser whose first token is the span's opening bracket; its offsets are relative to the span. */
    JsonParser parser(ObjectMapper json, JsonSpan span) throws IOException {
        return parser(json, span.offset(), span.length());
    }

    private JsonParser parser(ObjectMapper json, int offset, int count) throws IOException {
        if (body.hasArray()) {
            return json.createParser(body.array(), body.arrayOffset() + start + offset, count);
        }
        return json.createParser((InputStream) new ByteBufInputStream(body.slice(start + offset, count)));
    }
}
