package dev.jepserve.http.codec;

import dev.jepserve.http.TrackingAllocator;
import dev.jepserve.http.transport.ContentCoding;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class InferResponseEncoderTest {
    private final InferResponseEncoder encoder = new InferResponseEncoder();
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void nothingLeaks() {
        assertThat(alloc.unreleased()).as("unreleased buffers").isZero();
    }

    private static Tensor fp32(String name, long[] shape, float... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        return new Tensor(name, DataType.FP32, shape, data.flip());
    }

    private static Tensor tensor(String name, DataType type, long[] shape, byte... bytes) {
        return new Tensor(name, type, shape, ByteBuffer.wrap(bytes));
    }

    private static InferenceResponse response(String id, Map<String, Object> parameters, Tensor... outputs) {
        return new InferenceResponse("m", "1", id, parameters, List.of(outputs));
    }

    /** Encodes, copies the body out and releases the reply. */
    private Encoded encode(InferenceResponse response, OutputEncoding encoding, ContentCoding coding) {
        FullHttpResponse reply = encoder.encode(response, encoding, false, coding, alloc);
        try {
            return new Encoded(reply.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    reply.headers().get(InferRequestDecoder.HEADER_LENGTH),
                    reply.headers().get(HttpHeaderNames.CONTENT_ENCODING),
                    reply.headers().getInt(HttpHeaderNames.CONTENT_LENGTH),
                    ByteBufUtil.getBytes(reply.content()));
        } finally {
            reply.release();
        }
    }

    private Encoded encode(InferenceResponse response, OutputEncoding encoding) {
        return encode(response, encoding, ContentCoding.IDENTITY);
    }

    private record Encoded(String contentType, String headerLength, String contentEncoding, int contentLength,
                           byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @Test
    void jsonOutputsWithMembersInTritonsOrder() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("s", "x");
        parameters.put("n", 3L);
        parameters.put("b", true);
        parameters.put("d", 0.25);
        Encoded encoded = encode(response("req-1", parameters,
                tensor("OUT", DataType.INT8, new long[] {2}, (byte) -1, (byte) 2)), OutputEncoding.JSON);

        assertThat(encoded.text()).isEqualTo("{\"id\":\"req-1\",\"model_name\":\"m\",\"model_version\":\"1\","
                + "\"parameters\":{\"s\":\"x\",\"n\":3,\"b\":true,\"d\":0.25},"
                + "\"outputs\":[{\"name\":\"OUT\",\"datatype\":\"INT8\",\"shape\":[2],\"data\":[-1,2]}]}");
        assertThat(encoded.contentType()).isEqualTo("application/json");
        assertThat(encoded.headerLength()).isNull();
        assertThat(encoded.contentLength()).isEqualTo(encoded.body().length);
    }

    @Test
    void emptyIdAndParametersAreOmittedAndOutputsAlwaysPresent() {
        assertThat(encode(response("", Map.of()), OutputEncoding.JSON).text())
                .isEqualTo("{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":[]}");
    }

    @Test
    void floatsAreWidenedToDoubleAndPrintedShortest() {
        Encoded encoded = encode(response("", Map.of(), fp32("F", new long[] {3}, 0.1f, 1.0f, -2.5e-7f)),
                OutputEncoding.JSON);
        assertThat(encoded.text()).contains("\"data\":[0.10000000149011612,1.0,-2.499999993688107E-7]");
    }

    @Test
    void doublesAndSpecialValues() {
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(0.1).putDouble(Double.NaN).putDouble(Double.POSITIVE_INFINITY).flip();
        // Triton writes NaN and Infinity as bare literals, which strict JSON parsers refuse: refused for a JSON-only
        // client, sent as binary data to one that used the binary extension.
        Tensor special = new Tensor("D", DataType.FP64, new long[] {3}, data);
        assertThatThrownBy(() -> encode(response("", Map.of(), special), OutputEncoding.JSON))
                .isInstanceOf(TritonException.class).hasMessageContaining("NaN or Infinity");
        Encoded binary = encode(response("", Map.of(), special),
                new OutputEncoding(Map.of("D", new RequestedOutput("D", false, 0)), false, true));
        assertThat(binary.text()).contains("\"binary_data_size\":24").doesNotContain("NaN");
        ByteBuffer finite = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).flip();
        assertThat(encode(response("", Map.of(), new Tensor("D", DataType.FP64, new long[] {1}, finite)),
                new OutputEncoding(Map.of(), false, true)).text()).contains("\"data\":[0.1]");
    }

    @Test
    void bytesThatAreNotUtf8() {
        ByteBuffer data = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putInt(2).put((byte) 0xC3)
                .put((byte) 0x28).flip();
        Tensor bad = new Tensor("S", DataType.BYTES, new long[] {1}, data);
        assertThatThrownBy(() -> encode(response("", Map.of(), bad), OutputEncoding.JSON))
                .isInstanceOf(TritonException.class).hasMessageContaining("not valid UTF-8");
        assertThat(encode(response("", Map.of(), bad), new OutputEncoding(Map.of(), false, true)).text())
                .contains("\"binary_data_size\":6");
    }

    @Test
    void integersOfEveryWidthAndSignedness() {
        byte[] ones = new byte[8];
        Arrays.fill(ones, (byte) 0xff);
        String text = encode(response("", Map.of(),
                tensor("U8", DataType.UINT8, new long[] {1}, (byte) 0xff),
                tensor("U16", DataType.UINT16, new long[] {1}, (byte) 0xff, (byte) 0xff),
                tensor("U32", DataType.UINT32, new long[] {1}, Arrays.copyOf(ones, 4)),
                tensor("U64", DataType.UINT64, new long[] {1}, ones),
                tensor("I16", DataType.INT16, new long[] {1}, (byte) 0xfe, (byte) 0xff),
                tensor("I64", DataType.INT64, new long[] {1}, ones),
                tensor("B", DataType.BOOL, new long[] {2}, (byte) 0, (byte) 3)), OutputEncoding.JSON).text();
        assertThat(text)
                .contains("\"name\":\"U8\",\"datatype\":\"UINT8\",\"shape\":[1],\"data\":[255]")
                .contains("\"data\":[65535]")
                .contains("\"data\":[4294967295]")
                .contains("\"data\":[18446744073709551615]")
                .contains("\"name\":\"I16\",\"datatype\":\"INT16\",\"shape\":[1],\"data\":[-2]")
                .contains("\"name\":\"I64\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[-1]")
                .contains("\"data\":[false,true]");
    }

    @Test
    void bytesOutputsAsJsonStrings() {
        Tensor strings = new Tensor("S", DataType.BYTES, new long[] {2},
                BytesElements.build(List.of("a\"b".getBytes(StandardCharsets.UTF_8), "\u00fc".getBytes(StandardCharsets.UTF_8))));
        assertThat(encode(response("", Map.of(), strings), OutputEncoding.JSON).text())
                .contains("\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"a\\\"b\",\"\u00fc\"]");
    }

    @Test
    void binaryOutputsFollowTheJsonInOutputOrder() {
        Tensor first = tensor("A", DataType.UINT8, new long[] {2}, (byte) 1, (byte) 2);
        Tensor json = tensor("J", DataType.INT8, new long[] {1}, (byte) 5);
        Tensor empty = tensor("E", DataType.UINT8, new long[] {0});
        Tensor last = tensor("B", DataType.UINT8, new long[] {3}, (byte) 7, (byte) 8, (byte) 9);
        OutputEncoding encoding = new OutputEncoding(Map.of("J", new RequestedOutput("J", false, 0)), true);

        Encoded encoded = encode(response("", Map.of(), first, json, empty, last), encoding);

        String expectedJson = "{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":["
                + "{\"name\":\"A\",\"datatype\":\"UINT8\",\"shape\":[2],\"parameters\":{\"binary_data_size\":2}},"
                + "{\"name\":\"J\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[5]},"
                + "{\"name\":\"E\",\"datatype\":\"UINT8\",\"shape\":[0],\"parameters\":{\"binary_data_size\":0}},"
                + "{\"name\":\"B\",\"datatype\":\"UINT8\",\"shape\":[3],\"parameters\":{\"binary_data_size\":3}}]}";
        int jsonLength = expectedJson.length();
        assertThat(encoded.contentType()).isEqualTo("application/octet-stream");
        assertThat(encoded.headerLength()).isEqualTo(Integer.toString(jsonLength));
        assertThat(new String(encoded.body(), 0, jsonLength, StandardCharsets.UTF_8)).isEqualTo(expectedJson);
        assertThat(Arrays.copyOfRange(encoded.body(), jsonLength, encoded.body().length)).containsExactly(1, 2, 7, 8, 9);
        assertThat(encoded.contentLength()).isEqualTo(jsonLength + 5);
    }

    @Test
    void onlyEmptyBinaryOutputsMeanAPlainJsonReply() {
        Encoded encoded = encode(response("", Map.of(), tensor("E", DataType.UINT8, new long[] {0})), OutputEncoding.BINARY);
        assertThat(encoded.contentType()).isEqualTo("application/json");
        assertThat(encoded.headerLength()).isNull();
        assertThat(encoded.text()).contains("\"parameters\":{\"binary_data_size\":0}");
    }

    @Test
    void halfPrecisionAsJsonIsRefused() {
        TritonException e = catchThrowableOfType(TritonException.class, () -> encode(
                response("", Map.of(), tensor("H", DataType.FP16, new long[] {1}, (byte) 0, (byte) 0x3c)),
                OutputEncoding.JSON));
        assertThat(e.code()).isEqualTo(TritonCode.INVALID_ARG);
        assertThat(e.getMessage()).isEqualTo(
                "sending FP16 data via JSON is not supported. Please use the binary data format for output");
    }

    @Test
    void halfPrecisionAsBinaryIsFine() {
        Encoded encoded = encode(response("", Map.of(), tensor("H", DataType.FP16, new long[] {1}, (byte) 0, (byte) 0x3c)),
                OutputEncoding.BINARY);
        assertThat(encoded.contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void dataThatDoesNotMatchTheShapeIsAnInternalError() {
        TritonException e = catchThrowableOfType(TritonException.class, () -> encode(
                response("", Map.of(), tensor("X", DataType.INT32, new long[] {2}, new byte[4])), OutputEncoding.JSON));
        assertThat(e.code()).isEqualTo(TritonCode.INTERNAL);
        assertThat(e.getMessage()).isEqualTo("output tensor shape does not match size of output for 'X'");
    }

    @Test
    void classificationReplacesTheOutput() {
        Tensor scores = fp32("P", new long[] {1, 4}, 0.1f, 0.3f, 0.9f, 0.3f);
        OutputEncoding encoding = new OutputEncoding(Map.of("P", new RequestedOutput("P", false, 2)), false);

        FullHttpResponse reply = encoder.encode(response("", Map.of(), scores), encoding, true, ContentCoding.IDENTITY, alloc);
        try {
            assertThat(reply.content().toString(StandardCharsets.UTF_8)).contains(
                    "{\"name\":\"P\",\"datatype\":\"BYTES\",\"shape\":[1,2],\"data\":[\"0.900000:2\",\"0.300000:1\"]}");
        } finally {
            reply.release();
        }
    }

    @Test
    void compressedBodyKeepsTheUncompressedHeaderLength() throws IOException {
        Tensor blob = tensor("A", DataType.UINT8, new long[] {3}, (byte) 1, (byte) 2, (byte) 3);
        Encoded plain = encode(response("", Map.of(), blob), OutputEncoding.BINARY);
        for (ContentCoding coding : List.of(ContentCoding.GZIP, ContentCoding.DEFLATE)) {
            Encoded compressed = encode(response("", Map.of(), blob), OutputEncoding.BINARY, coding);
            assertThat(compressed.contentEncoding()).isEqualTo(coding.token());
            assertThat(compressed.headerLength()).isEqualTo(plain.headerLength());
            assertThat(compressed.contentLength()).isEqualTo(compressed.body().length);
            InputStream in = coding == ContentCoding.GZIP
                    ? new GZIPInputStream(new ByteArrayInputStream(compressed.body()))
                    : new InflaterInputStream(new ByteArrayInputStream(compressed.body()));
            assertThat(in.readAllBytes()).containsExactly(plain.body());
        }
    }

    @Test
    void aBorrowedOutputIsSentFromItsOwnMemoryAndGivenBackWhenTheReplyIsReleased() {
        java.util.concurrent.atomic.AtomicInteger freed = new java.util.concurrent.atomic.AtomicInteger();
        dev.jepserve.inference.OutputLease lease = new dev.jepserve.inference.OutputLease(freed::incrementAndGet);
        ByteBuffer region = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f)
                .flip();
        InferenceResponse response = new InferenceResponse("m", "1", "", Map.of(),
                List.of(new Tensor("OUT", DataType.FP32, new long[] {2}, region, lease)));
        FullHttpResponse reply = encoder.encode(response, OutputEncoding.BINARY, false, ContentCoding.IDENTITY, alloc);
        response.release(); // the sink's reference: the reply still holds its own
        assertThat(freed).hasValue(0);
        region.putFloat(4, 7f); // no copy: the reply reads the borrowed memory itself
        int headerLength = reply.headers().getInt(InferRequestDecoder.HEADER_LENGTH);
        assertThat(reply.content().getFloatLE(headerLength + 4)).isEqualTo(7f);
        reply.release(); // what Netty does once the write is done
        assertThat(freed).hasValue(1);
    }
}
