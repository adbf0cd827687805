package dev.jepserve.stub;

import dev.jepserve.python.PythonWorkers;
import dev.jepserve.stub.proto.ToStub;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The stub's end of its execute channel: a second connection to the server that carries only Execute messages,
 * read by the stub's Python thread itself whenever it is idle (its worker's {@link PythonWorkers.IdleWork}). A
 * request thus reaches Python without a hand-off from the control connection's reader thread: one thread
 * wake-up per request instead of two. The wait also ends when work is queued for the Python thread
 * (initialize, is_ready, finalize), through the selector's wake-up. While a non-decoupled coroutine awaits
 * ({@link PendingCoroutines}), the channel is not read: a next Execute waits in the socket.
 */
final class StubExecuteChannel implements PythonWorkers.IdleWork {
    private final SocketChannel socket;
    private final Selector selector;
    private final SelectionKey key;
    private final PendingCoroutines coroutines;
    private final Consumer<ToStub> handler;
    private final MessageFrames<ToStub> frames = new MessageFrames<>(ToStub.parser());
    private boolean closed;

    /** @param handler runs each Execute message, on the Python thread */
    StubExecuteChannel(SocketChannel socket, PendingCoroutines coroutines, Consumer<ToStub> handler)
            throws IOException {
        this.socket = socket;
        this.coroutines = coroutines;
        this.handler = handler;
        this.selector = Selector.open();
        socket.configureBlocking(false);
        this.key = socket.register(selector, SelectionKey.OP_READ);
        coroutines.whenNoneLeft(this::wake);
    }

    @Override
    public void awaitAndRun() {
        try {
            if (coroutines.any()) {
                awaitWithoutReading();
                return;
            }
            ToStub message = next();
            if (message == null) {
                watch(SelectionKey.OP_READ);
                selector.select();
                selector.selectedKeys().clear();
                readAvailable();
                message = next();
            }
            while (message != null) {
                handler.accept(message);
                message = coroutines.any() ? null : next(); // a coroutine that awaits holds the rest back
            }
        } catch (IOException e) {
            // The server is gone or broke the channel: the control connection's end stops the stub; until then
            // the Python thread serves its queue alone.
            stopWatching();
        }
    }

    /** Waits for a wake-up only (the last coroutine's end, or work queued for the Python thread). */
    private void awaitWithoutReading() throws IOException {
        watch(0);
        selector.select();
        selector.selectedKeys().clear();
    }

    private void watch(int operations) {
        if (!closed && key.isValid() && key.interestOps() != operations) {
            key.interestOps(operations);
        }
    }

    @Override
    public void wake() {
        selector.wakeup();
    }

    /** Reads what the socket holds now; at its end, stops watching it (the control connection ends the stub). */
    private void readAvailable() throws IOException {
        if (!closed && !frames.readAvailable(socket)) {
            stopWatching();
        }
    }

    private void stopWatching() {
        closed = true;
        frames.clear();
        key.cancel();
    }

    /** The next complete message, or null. */
    private ToStub next() throws IOException {
        return frames.next();
    }
}
