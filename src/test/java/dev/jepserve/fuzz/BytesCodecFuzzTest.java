package dev.jepserve.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.http.codec.InferResponseEncoder;
import dev.jepserve.http.codec.OutputEncoding;
import dev.jepserve.http.transport.ContentCoding;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The BYTES wire layout (4-byte little-endian length, then the bytes) on arbitrary buffers, and output tensors of
 * any type, shape and bytes through the HTTP response encoder: a malformed buffer is refused, well-formed
 * elements survive a split and rebuild, and JSON bodies never hold NaN, Infinity or invalid UTF-8.
 */
class BytesCodecFuzzTest {
    private static final ObjectMapper STRICT_JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "30s")
    void bytesElements(byte[] bytes) {
        List<byte[]> elements;
        try {
            elements = BytesElements.split(ByteBuffer.wrap(bytes));
        } catch (IllegalArgumentException malformed) {
            return;
        }
        ByteBuffer rebuilt = BytesElements.build(elements);
        if (!rebuilt.equals(ByteBuffer.wrap(bytes))) {
            throw new IllegalStateException("split and build changed the bytes");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void responseEncoder(FuzzedDataProvider data) {
        DataType type = data.pickValue(DataType.values());
        long[] shape = new long[data.consumeInt(0, 3)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = data.consumeInt(0, 8);
        }
        boolean binaryAllowed = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        Tensor tensor = new Tensor("T", type, shape, ByteBuffer.wrap(bytes));
        InferenceResponse response = new InferenceResponse("m", "1", "", Map.of(), List.of(tensor));
        OutputEncoding encoding = new OutputEncoding(Map.of(), false, binaryAllowed);
        FullHttpResponse reply;
        try {
            reply = new InferResponseEncoder().encode(response, encoding, false, ContentCoding.IDENTITY,
                    ByteBufAllocator.DEFAULT);
        } catch (TritonException refused) {
            return;
        }
        try {
            String lengthHeader = reply.headers().get("Inference-Header-Content-Length");
            int jsonLength = lengthHeader == null ? reply.content().readableBytes() : Integer.parseInt(lengthHeader);
            byte[] json = new byte[jsonLength];
            reply.content().getBytes(0, json);
            try {
                STRICT_JSON.readTree(json); // refuses NaN/Infinity literals and invalid UTF-8
            } catch (java.io.IOException refused) {
                throw new IllegalStateException("JSON that strict parsers refuse: "
                        + new String(json, StandardCharsets.UTF_8), refused);
            }
        } finally {
            reply.release();
        }
    }
}
