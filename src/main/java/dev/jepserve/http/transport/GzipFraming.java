package dev.jepserve.http.transport;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * The gzip wrapper (RFC 1952) around a raw deflate stream. Written by hand so the Deflater stays ours to
 * end() at once, instead of waiting for GZIPOutputStream's to be collected.
 */
final class GzipFraming {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private GzipFraming() {
    }

    static void writeHeader(OutputStream out) throws IOException {
        out.write(HEADER);
    }

    /** CRC-32 and length (mod 2^32) of the uncompressed data, both little-endian. */
    static void writeTrailer(OutputStream out, ByteBuf uncompressed) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(uncompressed.nioBuffer());
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, uncompressed.readableBytes());
    }

    private static void writeIntLe(OutputStream out, int value) throws IOException {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }
}
