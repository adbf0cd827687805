package dev.jepserve.stub;

import com.google.protobuf.UnsafeByteOperations;
import dev.jepserve.inference.OutputLease;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.Ping;
import dev.jepserve.stub.proto.RegionSlice;
import dev.jepserve.stub.proto.ReleaseOutputs;
import dev.jepserve.stub.proto.Reply;
import dev.jepserve.stub.proto.Response;
import dev.jepserve.stub.proto.ToStub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running stub: the child process, its control connection and the event loop that reads what it sends.
 * Messages other than replies and pongs go to the listener; when the connection ends (the stub exited,
 * crashed or was killed) the listener hears {@code onDeath} once. It remembers when the stub was last heard
 * from, for the watchdog.
 */
final class StubProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StubProcess.class);
    /**
     * A small heap and quick start: the stub's work happens in Python. Its log is the plain line writer, not
     * logback (whose start alone costs a JVM about 0.1 s of CPU). The JIT keeps both tiers: the Java half of
     * every request (the execute channel, Jep's calls into the forwarder, the answer's message) runs on the
     * Python thread, and C2's code took 25-45 µs off a small request's p50 against C1 alone, for 3 MiB more
     * per stub and no measurable start-up cost (bench/README.md, fourth session).
     */
    private static final List<String> JVM_FLAGS = List.of("-Xss512k", "-Xmx128m", "-XX:+UseSerialGC",
            "-Xshare:auto", "-XX:-UsePerfData", "-XX:CICompilerCount=2",
            "-Dslf4j.provider=dev.jepserve.logging.LineLogProvider", "-Dslf4j.internal.verbosity=WARN");

    /** What a stub sends, apart from replies to calls. */
    interface Listener {
        void onMessage(FromStub message);

        /** The stub is gone; {@code stub} says which one (a listener may outlive several). */
        void onDeath(StubProcess stub, String why);
    }

    private final String instanceName;
    /** The response with output views the reader is handing to the listener, and the lease on them. */
    private volatile FromStub delivering;
    private volatile BorrowedOutputs deliveringOutputs;
    private final Process process;
    private final StubChannel channel;
    /** Carries Execute messages only; the stub's Python thread reads it (StubExecuteChannel). */
    private final StubChannel executeChannel;
    private final Path socketDir;
    /** The event loops that read the control connection; null: a loop of its own. */
    private final EventLoopGroup readers;
    private final Map<Long, CompletableFuture<Reply>> calls = new ConcurrentHashMap<>();
    private final AtomicLong nextCall = new AtomicLong();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final AtomicBoolean listening = new AtomicBoolean();
    private volatile Listener listener;
    /** System.nanoTime() of the last message from the stub (or of the connection). */
    private volatile long lastHeardNanos = System.nanoTime();
    /** Pings sent and the last one answered: one ping at a time, so pings never fill a silent stub's socket. */
    private final AtomicLong pingsSent = new AtomicLong();
    private volatile long lastPong;
    /** Why the server killed the stub, reported as the reason of its death; null when it was not killed. */
    private volatile String killedBecause;
    /** Its shared-memory regions; null for a stub that only runs auto_complete_config. */
    private volatile StubRegions regions;

    private StubProcess(String instanceName, Process process, StubChannel channel, StubChannel executeChannel,
                        Path socketDir, EventLoopGroup readers) {
        this.instanceName = instanceName;
        this.readers = readers;
        this.process = process;
        this.channel = channel;
        this.executeChannel = executeChannel;
        this.socketDir = socketDir;
    }

    /**
     * Starts a stub and waits until it connected.
     *
     * @param launch the java command, classpath and Python setting a stub needs
     */
    static StubProcess start(String instanceName, StubLaunch launch) throws IOException {
        Path socketDir = Files.createTempDirectory("jepserve-stub-");
        Path socketPath = socketDir.resolve("control.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        List<String> command = new ArrayList<>();
        command.add(launch.java().toString());
        command.addAll(JVM_FLAGS);
        Optional<StubClassSharing> sharing = StubClassSharing.forClasspath(launch.classpath());
        List<String> sharingFlags = sharing.map(StubClassSharing::flags).orElse(List.of());
        command.addAll(sharingFlags);
        command.addAll(List.of("-cp", launch.classpath(), StubMain.class.getName(), socketPath.toString(),
                launch.python().toString(), launch.jepVersion()));
        command.addAll(launch.logArguments());
        command.addAll(launch.environmentArguments());
        // The stub's output (model prints, its log lines) goes where the server's goes.
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (sharing.isPresent() && sharing.get().records(sharingFlags)) {
            process.onExit().thenRun(sharing.get()::recordingDone);
        }
        try {
            Connections connections = awaitConnections(server, process, launch.startTimeoutSeconds());
            return new StubProcess(instanceName, process, new StubChannel(connections.control()),
                    new StubChannel(connections.execute()), socketDir, launch.readers());
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IOException("stub for '" + instanceName + "' did not start: " + e.getMessage());
        } finally {
            server.close();
            Files.deleteIfExists(socketPath);
        }
    }

    /** A stub's two connections, in the order it makes them. */
    private record Connections(SocketChannel control, SocketChannel execute) {
    }

    /**
     * Waits on the caller's thread for the stub to connect twice: blocking accepts, which the stub's exit or the
     * timeout ends by closing the listening socket (no polling: eleven stubs starting at once used to wake
     * their loading threads every 5 ms each).
     */
    private static Connections awaitConnections(ServerSocketChannel server, Process process, long timeoutSeconds)
            throws IOException {
        AtomicBoolean timedOut = new AtomicBoolean();
        process.onExit().thenRun(() -> closeQuietly(server));
        CompletableFuture.delayedExecutor(timeoutSeconds, TimeUnit.SECONDS).execute(() -> {
            if (server.isOpen()) {
                timedOut.set(true);
                closeQuietly(server);
            }
        });
        try {
            SocketChannel control = server.accept();
            try {
                return new Connections(control, server.accept());
            } catch (IOException e) {
                control.close();
                throw e;
            }
        } catch (ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the stub to connect");
        } catch (ClosedChannelException e) {
            if (timedOut.get()) {
                throw new IOException("the stub did not connect within " + timeoutSeconds + " s");
            }
            try {
                process.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(process.isAlive() ? "the stub's connection could not be accepted"
                    : "the stub exited with status " + process.exitValue() + " before connecting");
        }
    }

    private static void closeQuietly(ServerSocketChannel server) {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing only ends a wait
        }
    }

    /** Creates the stub's shared-memory regions (removed again when it stops or dies). */
    StubRegions openRegions(SharedMemorySettings settings) throws IOException {
        StubRegions created = StubRegions.create(process.pid(), settings);
        regions = created;
        if (dead.get()) {
            created.delete();
        }
        return created;
    }

    /** Its shared-memory regions, or null. */
    StubRegions regions() {
        return regions;
    }

    /**
     * Sends the output space copied out since the last call back to the stub, unless another thread is writing
     * (then next time).
     */
    void sendReleases() {
        StubRegions current = regions;
        if (current == null) {
            return;
        }
        List<Long> offsets = current.takeReleased();
        if (!offsets.isEmpty() && !trySend(ToStub.newBuilder()
                .setReleaseOutputs(ReleaseOutputs.newBuilder().addAllOffsets(offsets)).build())) {
            current.requeueReleased(offsets);
        }
    }

    /**
     * A response whose outputs are in the output region, as one whose buffers are views of them (no copy; the
     * slices stay in the message). While the listener handles it, {@link #outputLease} gives the lease that
     * releases their space.
     */
    private FromStub withOutputViews(FromStub message) throws IOException {
        Response response = message.getResponse();
        StubRegions current = regions;
        if (current == null) {
            throw new IOException("the stub sent outputs in shared memory it does not have");
        }
        Response.Builder viewed = response.toBuilder();
        List<ByteBuffer> views = new ArrayList<>(response.getOutputSlicesCount());
        for (RegionSlice slice : response.getOutputSlicesList()) {
            ByteBuffer view = current.outputView(slice);
            views.add(view);
            viewed.addBuffers(UnsafeByteOperations.unsafeWrap(view.duplicate()));
        }
        List<RegionSlice> slices = response.getOutputSlicesList();
        FromStub withViews = FromStub.newBuilder().setResponse(viewed).build();
        delivering = withViews;
        deliveringOutputs = new BorrowedOutputs(views, new OutputLease(() -> current.releaseOutputs(slices)));
        return withViews;
    }

    /** Writable views of a response's outputs in the output region, and the lease that gives their space back. */
    record BorrowedOutputs(List<ByteBuffer> views, OutputLease lease) {
    }

    /**
     * The outputs of {@code message} while this stub's reader hands it to the listener (the taker must release
     * the lease); null for any other message, so a response of a replaced stub is never released into the
     * regions of the one serving now.
     */
    BorrowedOutputs takeOutputs(FromStub message) {
        if (delivering != message) {
            return null;
        }
        BorrowedOutputs outputs = deliveringOutputs;
        delivering = null;
        deliveringOutputs = null;
        return outputs;
    }

    /**
     * Starts reading (once); everything but replies goes to the listener, the latest one given. The connection
     * is read by an event loop ({@link StubLaunch#readers}), which runs the listener: the messages of one read are
     * handled without a thread wake-up each, and an answer to a gRPC client goes out on that same loop.
     */
    void listen(Listener target) {
        this.listener = target;
        if (!listening.compareAndSet(false, true)) {
            return; // a stub handed on (auto-complete to first instance) keeps its reader; only the target changes
        }
        try {
            StubConnectionReader.start(channel.socket(), readers, instanceName, this::handle, this::connectionEnded);
        } catch (IOException e) {
            connectionEnded("the stub's connection could not be watched: " + e.getMessage());
        }
        // A backstop: a process that exited while something it started keeps the socket open (a forked
        // child) would otherwise never be reported. The reader normally sees the end first.
        // (Run on the JDK's delay thread, not the common pool.)
        process.onExit().thenRunAsync(() -> died("the stub process exited with status " + process.exitValue()),
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, Runnable::run));
    }

    /** One message from the stub, on the event loop that read it. */
    private void handle(FromStub message) throws IOException {
        lastHeardNanos = System.nanoTime();
        if (message.hasPong()) {
            lastPong = message.getPong().getSequence();
        } else if (message.hasReply()) {
            CompletableFuture<Reply> call = calls.remove(message.getReply().getCallId());
            if (call != null) {
                call.complete(message.getReply());
            }
        } else if (message.hasResponse() && message.getResponse().getOutputSlicesCount() > 0) {
            FromStub withViews = withOutputViews(message);
            try {
                listener.onMessage(withViews);
            } finally {
                BorrowedOutputs untaken = takeOutputs(withViews);
                if (untaken != null) {
                    untaken.lease().release();
                }
            }
        } else {
            listener.onMessage(message);
        }
    }

    /**
     * The connection ended or broke: the death is handled on a thread of its own, since it waits for the exit
     * status and restarts the stub, which an event loop must not.
     */
    private void connectionEnded(String why) {
        Thread reporter = new Thread(() -> died(withExitStatus(why)), "jepserve-stub-ended-" + instanceName);
        reporter.setDaemon(true);
        reporter.start();
    }

    /** The reason, with the exit status once the process has gone (128 + n for signal n). */
    private String withExitStatus(String why) {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return why + " (exit status " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return why;
    }

    private void died(String reason) {
        if (!dead.compareAndSet(false, true)) {
            return;
        }
        String why = killedBecause != null ? killedBecause : reason;
        channel.close();
        executeChannel.close();
        StubRegions current = regions;
        if (current != null) {
            current.delete();
        }
        calls.values().forEach(call -> call.completeExceptionally(new IOException(why)));
        calls.clear();
        Listener target = listener;
        if (target != null) {
            target.onDeath(this, why);
        }
    }

    /** When the stub last sent anything (System.nanoTime()). */
    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /**
     * Sends a heartbeat unless the last one is still unanswered or another thread is writing (the watchdog
     * must never block on a stub that stopped reading).
     */
    void ping() {
        long sent = pingsSent.get();
        if (lastPong != sent || dead.get()) {
            return;
        }
        try {
            if (channel.tryWrite(ToStub.newBuilder().setPing(Ping.newBuilder().setSequence(sent + 1)).build())) {
                pingsSent.incrementAndGet();
            }
        } catch (IOException e) {
            // the reader sees the broken connection and reports the death
        }
    }

    /** Kills the process (SIGKILL; a stopped process too); its death is then reported with this reason. */
    void kill(String because) {
        killedBecause = because;
        process.destroyForcibly();
    }

    boolean isAlive() {
        return !dead.get() && process.isAlive();
    }

    /** Sends a message that is answered with a Reply; the future fails when the stub dies first. */
    CompletableFuture<Reply> call(ToStub.Builder message) {
        long id = nextCall.incrementAndGet();
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        calls.put(id, reply);
        try {
            channel.write(message.setCallId(id).build());
        } catch (IOException e) {
            calls.remove(id);
            reply.completeExceptionally(e);
        }
        if (dead.get()) {
            reply.completeExceptionally(new IOException("the stub is not running"));
        }
        return reply;
    }

    /** Sends a one-way message; false when the stub is gone. */
    boolean send(ToStub message) {
        return write(channel, message);
    }

    /** Sends an Execute message on the execute channel; false when the stub is gone. */
    boolean sendExecute(ToStub message) {
        return write(executeChannel, message);
    }

    private static boolean write(StubChannel target, ToStub message) {
        try {
            target.write(message);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends a one-way message unless another thread is writing; false when busy or gone. */
    boolean trySend(ToStub message) {
        try {
            return channel.tryWrite(message);
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /** Closes the connection (the stub exits on its own) and makes sure the process is gone. */
    @Override
    public void close() {
        channel.close();
        executeChannel.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        StubRegions current = regions;
        if (current != null) {
            current.delete();
        }
        try {
            Files.deleteIfExists(socketDir);
        } catch (IOException ignored) {
            // a leftover empty temp directory
        }
        died("the stub was stopped");
    }
}
