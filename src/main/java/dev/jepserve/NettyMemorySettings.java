package dev.jepserve;

/**
 * Netty and grpc-java memory settings for large tensors, set as system properties before either library loads
 * (each reads them once, in static initializers). A value given on the java command line ({@code -D}) wins.
 *
 * <p>Measured on 4 MB tensors over gRPC: grpc-java's own allocator (2 MiB chunks) and Netty's default (4 MiB)
 * freed and re-created chunks on every request, and the JDK zeroes every new direct buffer; that was an eighth
 * of the event loop's time. One pool for HTTP and gRPC with 16 MiB chunks, allocated without the JDK's zeroing
 * (the jar's manifest opens java.nio to Netty for that), keeps them.
 */
final class NettyMemorySettings {
    private NettyMemorySettings() {
    }

    static void apply() {
        // grpc-java then shares Netty's default pooled allocator with the HTTP endpoint.
        setIfAbsent("io.grpc.netty.useCustomAllocator", "false");
        // 8 KiB pages << 11 = 16 MiB chunks: a 4 MB message and its framing fit in one chunk.
        setIfAbsent("io.netty.allocator.maxOrder", "11");
        // Direct buffers from Unsafe.allocateMemory, not ByteBuffer.allocateDirect (which zeroes them).
        setIfAbsent("io.netty.tryReflectionSetAccessible", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
