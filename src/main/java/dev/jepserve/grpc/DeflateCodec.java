package dev.jepserve.grpc;

import io.grpc.Codec;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The "deflate" message encoding (zlib framing, as gRPC's C core writes it). grpc-java only knows gzip; the
 * Python client can choose {@code grpc.Compression.Deflate} per call.
 */
final class DeflateCodec implements Codec {
    @Override
    public String getMessageEncoding() {
        return "deflate";
    }

    @Override
    public OutputStream compress(OutputStream os) {
        return new DeflaterOutputStream(os);
    }

    @Override
    public InputStream decompress(InputStream is) {
        return new InflaterInputStream(is);
    }
}
