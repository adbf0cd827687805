package dev.jepserve.stub;

import dev.jepserve.stub.proto.FromStub;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.nio.NioTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a stub's control connection on a Netty NIO event loop: whenever the socket is readable, every whole
 * message is handed to the handler on the loop. Under load, one read brings a response and its execution's end
 * together, and no reader thread sleeps and wakes per message. The end of the connection (or a failure to read
 * or handle a message) is reported once.
 */
final class StubConnectionReader implements NioTask<SocketChannel> {
    private static final Logger LOG = LoggerFactory.getLogger(StubConnectionReader.class);

    /** Handles one message; an IOException or RuntimeException ends the connection. */
    interface Handler {
        void handle(FromStub message) throws IOException;
    }

    private final MessageFrames<FromStub> frames = new MessageFrames<>(FromStub.parser());
    private final String instanceName;
    private final Handler handler;
    private final Consumer<String> ended;
    /** The loop group made for this connection alone, shut down at its end; null on the server's loops. */
    private final EventLoopGroup own;
    private boolean over;

    private StubConnectionReader(String instanceName, Handler handler, Consumer<String> ended, EventLoopGroup own) {
        this.instanceName = instanceName;
        this.handler = handler;
        this.ended = ended;
        this.own = own;
    }

    /**
     * Starts reading the socket (made non-blocking: writers of the same connection wait out a full buffer, see
     * StubChannel) on one of {@code loops}, or, when null, on a loop of its own.
     *
     * @param ended told why, once, when the connection is over
     */
    static void start(SocketChannel socket, EventLoopGroup loops, String instanceName, Handler handler,
                      Consumer<String> ended) throws IOException {
        EventLoopGroup own = loops == null
                ? new NioEventLoopGroup(1, new DefaultThreadFactory("jepserve-stub-" + instanceName, true)) : null;
        EventLoopGroup group = loops == null ? own : loops;
        socket.configureBlocking(false);
        StubConnectionReader reader = new StubConnectionReader(instanceName, handler, ended, own);
        ((NioEventLoop) group.next()).register(socket, SelectionKey.OP_READ, reader);
    }

    @Override
    public void channelReady(SocketChannel socket, SelectionKey key) {
        String why = null;
        try {
            boolean open = frames.readAvailable(socket);
            FromStub message;
            while ((message = frames.next()) != null) {
                handler.handle(message);
            }
            if (!open) {
                why = "the stub closed its connection";
            }
        } catch (IOException e) {
            why = "the stub's connection failed: " + e.getMessage();
        } catch (RuntimeException e) {
            why = "a stub message could not be handled: " + e;
            LOG.error("stub '{}': {}", instanceName, why);
        }
        if (why != null) {
            key.cancel();
            end(why);
        }
    }

    @Override
    public void channelUnregistered(SocketChannel socket, Throwable cause) {
        end(cause == null ? "the stub's connection was closed" : "the stub's connection failed: " + cause.getMessage());
    }

    private void end(String why) {
        if (over) {
            return;
        }
        over = true;
        frames.clear();
        ended.accept(why);
        if (own != null) {
            own.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
