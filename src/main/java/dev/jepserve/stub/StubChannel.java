package dev.jepserve.stub;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of a stub's control connection: length-delimited protobuf messages over a Unix domain socket.
 * Writes from many threads are serialized; reads belong to one reader thread. A heartbeat uses
 * {@link #tryWrite}, so the watchdog never waits behind a writer stuck on a stub that stopped reading.
 */
final class StubChannel implements AutoCloseable {
    private final SocketChannel socket;
    private final InputStream in;
    private final OutputStream out;
    private final ReentrantLock writing = new ReentrantLock();

    private static final long FULL_BUFFER_PAUSE_NANOS = 50_000;

    StubChannel(SocketChannel socket) {
        this.socket = socket;
        // Not Channels.newInputStream/newOutputStream: on JDK 17 both take the channel's blocking lock, so a
        // reader waiting for a message would block every writer.
        this.in = new BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return socket.read(ByteBuffer.wrap(bytes, offset, length));
            }
        }, 64 * 1024);
        this.out = new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                while (buffer.hasRemaining()) {
                    if (socket.write(buffer) == 0) {
                        // The server's end is non-blocking (read by an event loop, StubConnectionReader): a full
                        // socket buffer is waited out here.
                        LockSupport.parkNanos(FULL_BUFFER_PAUSE_NANOS);
                    }
                }
            }
        }, 64 * 1024);
    }

    void write(MessageLite message) throws IOException {
        write(message, true);
    }

    /**
     * Writes the message; with {@code flush} false it may stay buffered until the next flushing write (one
     * system call, and one wake-up of the reader, for several messages).
     */
    void write(MessageLite message, boolean flush) throws IOException {
        writing.lock();
        try {
            message.writeDelimitedTo(out);
            if (flush) {
                out.flush();
            }
        } finally {
            writing.unlock();
        }
    }

    /** Sends whatever unflushed writes left buffered. */
    void flush() throws IOException {
        writing.lock();
        try {
            out.flush();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Writes the message unless another thread is writing right now.
     *
     * @return false when it was not written (busy), true when it was
     */
    boolean tryWrite(MessageLite message) throws IOException {
        if (!writing.tryLock()) {
            return false;
        }
        try {
            message.writeDelimitedTo(out);
            out.flush();
            return true;
        } finally {
            writing.unlock();
        }
    }

    /** The next message, or null when the other end closed the connection. */
    <T extends MessageLite> T read(Parser<T> parser) throws IOException {
        return parser.parseDelimitedFrom(in);
    }

    /** The socket, for a reader that watches it (StubConnectionReader). */
    SocketChannel socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
