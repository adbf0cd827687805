package dev.jepserve.grpc;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.List;

/**
 * The gRPC server's listening socket: each accepted connection passes the {@link GrpcConnectionCap} before it
 * reaches grpc-java (which has no connection limit of its own); one over the limit is closed right after accept.
 */
final class CappedServerSocketChannel extends NioServerSocketChannel {
    private final GrpcConnectionCap cap;

    CappedServerSocketChannel(GrpcConnectionCap cap) {
        this.cap = cap;
    }

    @Override
    protected int doReadMessages(List<Object> accepted) throws Exception {
        int before = accepted.size();
        int read = super.doReadMessages(accepted);
        for (int i = accepted.size() - 1; i >= before; i--) {
            if (accepted.get(i) instanceof Channel child && !cap.admit(child)) {
                accepted.remove(i);
            }
        }
        // The count read stays as it was, so the accept loop goes on with the next pending connection.
        return read;
    }
}
