package dev.jepserve.http.transport;

import dev.jepserve.http.TrackingAllocator;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ContentCodingTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void nothingLeaks() {
        assertThat(alloc.unreleased()).isZero();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] zlib(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new DeflaterOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private String inflate(ContentCoding coding, byte[] compressed) {
        ByteBuf out = coding.decompress(Unpooled.wrappedBuffer(compressed), 1 << 20, alloc);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @Test
    void requestCodings() throws Exception {
        assertThat(ContentCoding.ofRequest(null)).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.ofRequest("identity")).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.ofRequest("gzip")).isEqualTo(ContentCoding.GZIP);
        assertThat(ContentCoding.ofRequest("deflate")).isEqualTo(ContentCoding.DEFLATE);
        assertThatThrownBy(() -> ContentCoding.ofRequest("br"))
                .isInstanceOf(ContentCoding.UnsupportedCodingException.class);
    }

    @Test
    void eitherNameInflatesEitherFraming() throws IOException {
        byte[] text = "{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(inflate(ContentCoding.GZIP, gzip(text))).isEqualTo("{\"inputs\":[]}");
        assertThat(inflate(ContentCoding.DEFLATE, zlib(text))).isEqualTo("{\"inputs\":[]}");
        assertThat(inflate(ContentCoding.DEFLATE, gzip(text))).isEqualTo("{\"inputs\":[]}");
        assertThat(inflate(ContentCoding.GZIP, zlib(text))).isEqualTo("{\"inputs\":[]}");
    }

    @Test
    void inflatingPastTheLimitIsRefused() throws IOException {
        byte[] big = gzip(new byte[10_000]);
        TritonException e = catchThrowableOfType(TritonException.class,
                () -> ContentCoding.GZIP.decompress(Unpooled.wrappedBuffer(big), 1000, alloc));
        assertThat(e.code()).isEqualTo(TritonCode.INVALID_ARG);
        assertThat(e.getMessage()).contains("maximum allowed value of 1000 bytes");
    }

    @Test
    void corruptDataIsABadRequest() {
        TritonException e = catchThrowableOfType(TritonException.class,
                () -> ContentCoding.GZIP.decompress(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 1000, alloc));
        assertThat(e.code()).isEqualTo(TritonCode.INVALID_ARG);
        assertThat(e.getMessage()).startsWith("failed to decompress the request body");
    }

    @Test
    void acceptEncodingPicksTheHighestQualityAmongKnownCodings() {
        assertThat(ContentCoding.forAcceptEncoding(null)).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.forAcceptEncoding("gzip")).isEqualTo(ContentCoding.GZIP);
        assertThat(ContentCoding.forAcceptEncoding("gzip, deflate, br")).isEqualTo(ContentCoding.GZIP);
        assertThat(ContentCoding.forAcceptEncoding("deflate, gzip")).isEqualTo(ContentCoding.DEFLATE);
        assertThat(ContentCoding.forAcceptEncoding("gzip;q=0.5, deflate;q=0.8")).isEqualTo(ContentCoding.DEFLATE);
        assertThat(ContentCoding.forAcceptEncoding("br")).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.forAcceptEncoding("br, zstd")).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.forAcceptEncoding("gzip;q=0")).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.forAcceptEncoding("identity, gzip")).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.forAcceptEncoding("gzip;q=abc, deflate")).isEqualTo(ContentCoding.DEFLATE);
    }
}
