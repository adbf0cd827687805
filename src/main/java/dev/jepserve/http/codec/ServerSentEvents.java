package dev.jepserve.http.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The text/event-stream framing of generate_stream: each response is one event, {@code data: <json>} and a
 * blank line. Compact JSON never contains a line break (they are escaped in strings), so one data line suffices.
 */
public final class ServerSentEvents {
    /** The Content-Type of an event stream, as Triton sends it. */
    public static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private ServerSentEvents() {
    }

    /** One event carrying {@code json}, in a new buffer the caller owns. */
    public static ByteBuf event(byte[] json, ByteBufAllocator alloc) {
        ByteBuf event = alloc.buffer(DATA.length + json.length + END.length);
        return event.writeBytes(DATA).writeBytes(json).writeBytes(END);
    }
}
