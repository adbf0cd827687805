package dev.jepserve.stub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.jepserve.stub.proto.Execute;
import dev.jepserve.stub.proto.ToStub;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The execute channel as the stub's Python thread reads it: whole messages from any split of the bytes. */
class StubExecuteChannelTest {
    @TempDir
    Path dir;

    private static ToStub execute(String batch, int inlineBytes) {
        byte[] bytes = new byte[inlineBytes];
        Arrays.fill(bytes, (byte) 7);
        return ToStub.newBuilder().setExecute(Execute.newBuilder().setBatchJson(batch)
                .addBuffers(ByteString.copyFrom(bytes))).build();
    }

    /** Both ends of one Unix socket connection: the stub's (read by the channel) and the server's. */
    private record Connection(SocketChannel stubEnd, SocketChannel serverEnd) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            serverEnd.close();
            stubEnd.close();
        }
    }

    private Connection connect() throws java.io.IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
            SocketChannel stubEnd = SocketChannel.open(server.getLocalAddress());
            return new Connection(stubEnd, server.accept());
        }
    }

    @Test
    void messagesSplitAnywhereAndLargerThanTheBufferArriveWhole() throws Exception {
        try (Connection connection = connect()) {
            SocketChannel serverEnd = connection.serverEnd();
            List<ToStub> seen = new ArrayList<>();
            StubExecuteChannel channel = new StubExecuteChannel(connection.stubEnd(), new PendingCoroutines(), seen::add);

            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<ToStub> sent = List.of(execute("a", 10), execute("b", 200_000), execute("c", 0));
            for (ToStub message : sent) {
                message.writeDelimitedTo(wire);
            }
            byte[] bytes = wire.toByteArray();
            // Written in three parts, cut inside the first message and inside the large one, with pauses so the
            // reader sees each part on its own.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                int from = 0;
                for (int cut : new int[] {3, 70_000, bytes.length}) {
                    ByteBuffer part = ByteBuffer.wrap(bytes, from, cut - from);
                    try {
                        while (part.hasRemaining()) {
                            serverEnd.write(part);
                        }
                        Thread.sleep(50);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    from = cut;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.size() < sent.size() && System.nanoTime() < deadline) {
                channel.awaitAndRun();
            }
            writing.get(5, TimeUnit.SECONDS);
            assertThat(seen).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void aWaitEndsWhenWorkIsQueued() throws Exception {
        try (Connection connection = connect()) {
            StubExecuteChannel channel = new StubExecuteChannel(connection.stubEnd(), new PendingCoroutines(), message -> { });
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(channel::awaitAndRun);
            Thread.sleep(100);
            assertThat(waiting).isNotDone();
            channel.wake();
            waiting.get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A batch whose execute() left a coroutine awaiting holds the next one back, even when both arrived in one
     * read; the coroutine's end wakes the channel, and the next batch runs then.
     */
    @Test
    void theNextBatchWaitsForAnAwaitingCoroutine() throws Exception {
        try (Connection connection = connect()) {
            PendingCoroutines coroutines = new PendingCoroutines();
            List<ToStub> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            StubExecuteChannel channel = new StubExecuteChannel(connection.stubEnd(), coroutines, message -> {
                seen.add(message);
                if (seen.size() == 1) {
                    coroutines.started(); // the first batch's execute() returned a coroutine
                }
            });
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            execute("first", 4).writeDelimitedTo(wire);
            execute("second", 4).writeDelimitedTo(wire);
            ByteBuffer bytes = ByteBuffer.wrap(wire.toByteArray());
            while (bytes.hasRemaining()) {
                connection.serverEnd().write(bytes);
            }
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                while (seen.size() < 2) {
                    channel.awaitAndRun();
                }
            });
            Thread.sleep(300);
            assertThat(seen).hasSize(1);
            coroutines.ended();
            serving.get(5, TimeUnit.SECONDS);
            assertThat(seen).extracting(message -> message.getExecute().getBatchJson())
                    .containsExactly("first", "second");
        }
    }

    /** A coroutine that ends before the Python thread counted it holds nothing back. */
    @Test
    void aCoroutineThatEndedBeforeItWasCountedHoldsNothing() {
        PendingCoroutines coroutines = new PendingCoroutines();
        coroutines.ended();
        coroutines.started();
        assertThat(coroutines.any()).isFalse();
    }
}
