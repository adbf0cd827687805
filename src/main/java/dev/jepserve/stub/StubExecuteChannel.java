package dev.jepserve.stub;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.jepserve.python.PythonWorkers;
import dev.jepserve.stub.proto.ToStub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The stub's end of its execute channel: a second connection to the server that carries only Execute messages,
 * read by the stub's Python thread itself whenever it is idle (its worker's {@link PythonWorkers.IdleWork}). A
 * request thus reaches Python without a hand-off from the control connection's reader thread: one thread
 * wake-up per request instead of two. The wait also ends when work is queued for the Python thread
 * (initialize, is_ready, finalize), through the selector's wake-up.
 */
final class StubExecuteChannel implements PythonWorkers.IdleWork {
    private final SocketChannel socket;
    private final Selector selector;
    private final Consumer<ToStub> handler;
    /** Bytes read and not yet parsed, between position 0 and position() (write mode). */
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    private boolean closed;

    /** @param handler runs each Execute message, on the Python thread */
    StubExecuteChannel(SocketChannel socket, Consumer<ToStub> handler) throws IOException {
        this.socket = socket;
        this.handler = handler;
        this.selector = Selector.open();
        socket.configureBlocking(false);
        socket.register(selector, SelectionKey.OP_READ);
    }

    @Override
    public void awaitAndRun() {
        try {
            ToStub message = next();
            if (message == null) {
                selector.select();
                selector.selectedKeys().clear();
                readAvailable();
                message = next();
            }
            while (message != null) {
                handler.accept(message);
                message = next();
            }
        } catch (IOException e) {
            // The server is gone or broke the channel: the control connection's end stops the stub; until then
            // the Python thread serves its queue alone.
            stopWatching();
        }
    }

    @Override
    public void wake() {
        selector.wakeup();
    }

    /** Reads what the socket holds now; at its end, stops watching it (the control connection ends the stub). */
    private void readAvailable() throws IOException {
        if (closed) {
            return;
        }
        while (true) {
            if (!pending.hasRemaining()) {
                pending = grown(pending, pending.capacity() * 2);
            }
            int read = socket.read(pending);
            if (read < 0) {
                stopWatching();
                return;
            }
            if (read == 0) {
                return;
            }
        }
    }

    private void stopWatching() {
        closed = true;
        pending.clear();
        SelectionKey key = socket.keyFor(selector);
        if (key != null) {
            key.cancel();
        }
    }

    /** The next complete message in the buffer, or null (a partial one stays for the next read). */
    private ToStub next() throws IOException {
        if (pending.position() == 0) {
            return null;
        }
        ByteBuffer readable = pending.duplicate().flip();
        int length;
        try {
            length = CodedInputStream.newInstance(readable.duplicate()).readRawVarint32();
        } catch (IOException truncated) {
            return null; // the length itself is still incomplete
        }
        int lengthBytes = CodedOutputStream.computeUInt32SizeNoTag(length);
        if (readable.remaining() < lengthBytes + length) {
            if (pending.capacity() < lengthBytes + length) {
                pending = grown(pending, lengthBytes + length);
            }
            return null;
        }
        ToStub message = ToStub.parseFrom(readable.slice(lengthBytes, length));
        pending.flip().position(lengthBytes + length);
        pending.compact();
        return message;
    }

    private static ByteBuffer grown(ByteBuffer buffer, int capacity) {
        ByteBuffer larger = ByteBuffer.allocate(capacity);
        larger.put(buffer.flip());
        return larger;
    }
}
