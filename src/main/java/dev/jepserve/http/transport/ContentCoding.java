package dev.jepserve.http.transport;

import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Body compression on /infer (and nowhere else): request {@code Content-Encoding} gzip/deflate is inflated,
 * accepting zlib or gzip framing under either name as Triton's zlib setup does; the response coding is picked
 * from {@code Accept-Encoding} among identity, gzip and deflate only (never br), highest q first.
 */
public enum ContentCoding {
    IDENTITY("identity"),
    GZIP("gzip"),
    DEFLATE("deflate");

    /** What the 501 reply to an unsupported request coding advertises. */
    public static final String SUPPORTED = "gzip, deflate";

    private final String token;

    ContentCoding(String token) {
        this.token = token;
    }

    /** The Content-Encoding token. */
    public String token() {
        return token;
    }

    /** Thrown for a request Content-Encoding other than gzip, deflate or identity. */
    public static final class UnsupportedCodingException extends Exception {
        public UnsupportedCodingException(String coding) {
            super("Unsupported compression type '" + coding + "'");
        }
    }

    /** The coding of a request body; absent or empty means identity. */
    public static ContentCoding ofRequest(String contentEncoding) throws UnsupportedCodingException {
        if (contentEncoding == null) {
            return IDENTITY;
        }
        String coding = contentEncoding.trim().toLowerCase(Locale.ROOT);
        switch (coding) {
            case "", "identity":
                return IDENTITY;
            case "gzip":
                return GZIP;
            case "deflate":
                return DEFLATE;
            default:
                throw new UnsupportedCodingException(contentEncoding);
        }
    }

    /**
     * The response coding for an Accept-Encoding value: among identity, gzip and deflate the one with the
     * highest q (default 1; the first wins a tie); q=0 never wins. Anything else (br, zstd, *) is ignored.
     */
    public static ContentCoding forAcceptEncoding(String acceptEncoding) {
        if (acceptEncoding == null) {
            return IDENTITY;
        }
        ContentCoding best = IDENTITY;
        double bestWeight = 0;
        for (String entry : acceptEncoding.split(",")) {
            int weightAt = entry.indexOf(";q=");
            String name = (weightAt < 0 ? entry : entry.substring(0, weightAt)).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            double weight = 1;
            if (weightAt >= 0) {
                try {
                    weight = Double.parseDouble(entry.substring(weightAt + 3).trim());
                } catch (NumberFormatException malformed) {
                    continue;
                }
            }
            ContentCoding coding = switch (name) {
                case "identity" -> IDENTITY;
                case "gzip" -> GZIP;
                case "deflate" -> DEFLATE;
                default -> null;
            };
            if (coding != null && weight > bestWeight) {
                best = coding;
                bestWeight = weight;
            }
        }
        return best;
    }

    /**
     * Inflates a gzip- or zlib-framed body into a new buffer the caller must release.
     *
     * @throws TritonException 400 when the data is corrupt or inflates past {@code maxSize}
     */
    public ByteBuf decompress(ByteBuf body, int maxSize, ByteBufAllocator alloc) {
        if (this == IDENTITY) {
            return body.retainedSlice();
        }
        ByteBuf out = alloc.buffer(Math.min(maxSize, Math.max(256, body.readableBytes() * 4)));
        boolean done = false;
        try (InputStream in = inflating(new ByteBufInputStream(body.slice()), isGzip(body))) {
            byte[] chunk = new byte[64 * 1024];
            int read;
            while ((read = in.read(chunk)) > 0) {
                if (out.readableBytes() + (long) read > maxSize) {
                    throw TritonException.invalidArg("Decompressed request body exceeds the maximum allowed value of "
                            + maxSize + " bytes. Use --http-max-input-size to increase the limit.");
                }
                out.writeBytes(chunk, 0, read);
            }
            done = true;
            return out;
        } catch (IOException corrupt) {
            throw TritonException.invalidArg("failed to decompress the request body (" + token + "): "
                    + corrupt.getMessage());
        } finally {
            if (!done) {
                out.release();
            }
        }
    }

    /** Compresses the whole body into a new buffer the caller must release; identity returns a retained slice. */
    public ByteBuf compress(ByteBuf body, ByteBufAllocator alloc) {
        if (this == IDENTITY) {
            return body.retainedSlice();
        }
        ByteBuf out = alloc.buffer(Math.max(64, body.readableBytes() / 2));
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, this == GZIP);
        boolean done = false;
        try {
            OutputStream sink = new ByteBufOutputStream(out);
            if (this == GZIP) {
                GzipFraming.writeHeader(sink);
            }
            try (DeflaterOutputStream compressing = new DeflaterOutputStream(sink, deflater, 64 * 1024)) {
                body.getBytes(body.readerIndex(), compressing, body.readableBytes());
                compressing.finish();
                if (this == GZIP) {
                    GzipFraming.writeTrailer(sink, body);
                }
            }
            done = true;
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("compressing the response failed", e);
        } finally {
            deflater.end();
            if (!done) {
                out.release();
            }
        }
    }

    private static boolean isGzip(ByteBuf body) {
        return body.readableBytes() >= 2
                && body.getUnsignedByte(body.readerIndex()) == 0x1f
                && body.getUnsignedByte(body.readerIndex() + 1) == 0x8b;
    }

    private static InputStream inflating(InputStream raw, boolean gzip) throws IOException {
        return gzip ? new GZIPInputStream(raw, 64 * 1024) : new InflaterInputStream(raw);
    }
}
