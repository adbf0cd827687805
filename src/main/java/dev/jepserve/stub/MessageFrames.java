package dev.jepserve.stub;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Length-delimited protobuf messages (writeDelimitedTo's framing) from a non-blocking socket: what a read brought
 * is kept until its messages are whole, however the bytes were split. Used by one thread at a time.
 */
final class MessageFrames<T> {
    private final Parser<T> parser;
    /** Bytes read and not yet parsed, between position 0 and position() (write mode). */
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);

    MessageFrames(Parser<T> parser) {
        this.parser = parser;
    }

    /**
     * Reads what the socket holds now.
     *
     * @return false when the other end closed the connection
     */
    boolean readAvailable(ReadableByteChannel socket) throws IOException {
        while (true) {
            if (!pending.hasRemaining()) {
                pending = grown(pending, pending.capacity() * 2);
            }
            int read = socket.read(pending);
            if (read < 0) {
                return false;
            }
            if (read == 0) {
                return true;
            }
        }
    }

    /** The next complete message, or null (a partial one stays for the next read). */
    T next() throws InvalidProtocolBufferException {
        if (pending.position() == 0) {
            return null;
        }
        ByteBuffer readable = pending.duplicate().flip();
        int length;
        try {
            length = CodedInputStream.newInstance(readable.duplicate()).readRawVarint32();
        } catch (InvalidProtocolBufferException truncated) {
            return null; // the length itself is still incomplete
        } catch (IOException unexpected) {
            throw new InvalidProtocolBufferException(unexpected);
        }
        int lengthBytes = CodedOutputStream.computeUInt32SizeNoTag(length);
        if (readable.remaining() < lengthBytes + length) {
            if (pending.capacity() < lengthBytes + length) {
                pending = grown(pending, lengthBytes + length);
            }
            return null;
        }
        T message = parser.parseFrom(readable.slice(lengthBytes, length));
        pending.flip().position(lengthBytes + length);
        pending.compact();
        return message;
    }

    /** Drops what is buffered (the connection is over). */
    void clear() {
        pending.clear();
    }

    private static ByteBuffer grown(ByteBuffer buffer, int capacity) {
        ByteBuffer larger = ByteBuffer.allocate(capacity);
        larger.put(buffer.flip());
        return larger;
    }
}
