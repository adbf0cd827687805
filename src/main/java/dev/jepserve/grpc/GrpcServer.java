package dev.jepserve.grpc;

import dev.jepserve.inference.InferenceService;
import dev.jepserve.logging.LogController;
import dev.jepserve.trace.TraceManager;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Triton's gRPC endpoint: {@code inference.GRPCInferenceService} and {@code grpc.health.v1.Health} on one port,
 * with its own acceptor and executor; its connections' event loop is its own too, or the server's I/O loop, which
 * also reads the stub processes (so a stub's answer goes out on the loop that read it). ModelInfer is handled on
 * the event loop that read it, every other call on the executor ({@link CallExecutors}).
 *
 * <p>Messages of any size up to 2 GiB are accepted (Triton's limit is INT32_MAX); gzip and deflate message
 * encodings are understood. {@link #stop(long)} is graceful: no new calls, open inference streams end once their
 * requests are answered, and calls still running after the timeout are cancelled.
 */
public final class GrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);
    private static final long DEFAULT_STOP_TIMEOUT_MILLIS = 5_000;

    private final InferenceService service;
    private final GrpcServerOptions options;
    private final LogController logs;
    private final OpenStreams openStreams = new OpenStreams();
    private final TraceManager traces;

    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    /** The connections' event loops when the server shares its I/O loop; null: made and stopped here. */
    private final EventLoopGroup sharedWorkers;
    private ExecutorService executor;
    private Server server;

    /** @param logs the server's log settings, which the LogSettings RPC reports and changes */
    public GrpcServer(InferenceService service, GrpcServerOptions options, LogController logs) {
        this(service, options, logs, TraceManager.disabled());
    }

    /** @param traces the trace extension's settings (TraceSetting RPC) and the sampler of ModelInfer calls */
    public GrpcServer(InferenceService service, GrpcServerOptions options, LogController logs, TraceManager traces) {
        this(service, options, logs, traces, null);
    }

    /**
     * @param sharedWorkers the NIO event loops for the connections, owned by the caller (not stopped here); null
     *                      for a loop of its own
     */
    public GrpcServer(InferenceService service, GrpcServerOptions options, LogController logs, TraceManager traces,
                      EventLoopGroup sharedWorkers) {
        this.sharedWorkers = sharedWorkers;
        this.service = service;
        this.options = options;
        this.logs = logs;
        this.traces = traces;
    }

    /**
     * Binds and starts serving.
     *
     * @return the address actually bound (its port is the chosen one when the options asked for port 0)
     * @throws IOException when the address cannot be bound (e.g. the port is in use)
     */
    public synchronized InetSocketAddress start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("gRPC server already started");
        }
        acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("jepserve-grpc-accept"));
        workers = sharedWorkers != null ? sharedWorkers
                : new NioEventLoopGroup(1, new DefaultThreadFactory("jepserve-grpc-io"));
        executor = Executors.newFixedThreadPool(options.executorThreads(), new DefaultThreadFactory("jepserve-grpc"));
        DeflateCodec deflate = new DeflateCodec();
        GrpcServerOptions.Keepalive keepalive = options.keepalive();
        InferRequestMarshaller marshaller = new InferRequestMarshaller(service.inputBuffers());
        InferenceGrpcService inference = new InferenceGrpcService(service, executor,
                new AnswerExecutor(workers, executor), openStreams, logs, traces, marshaller);
        GrpcServerOptions.Connections connections = options.connections();
        GrpcConnectionCap cap = new GrpcConnectionCap(connections.max());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(options.address(), options.port()))
                .channelFactory(() -> new CappedServerSocketChannel(cap))
                .bossEventLoopGroup(acceptor)
                .workerEventLoopGroup(workers)
                .withChildOption(ChannelOption.TCP_NODELAY, true)
                .executor(CallExecutors.INLINE)
                .callExecutor(new CallExecutors(executor))
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .keepAliveTime(keepalive.timeMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(keepalive.timeoutMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(keepalive.permitWithoutCalls())
                .permitKeepAliveTime(keepalive.minPingIntervalWithoutDataMillis(), TimeUnit.MILLISECONDS)
                .decompressorRegistry(DecompressorRegistry.getDefaultInstance().with(deflate, true))
                .compressorRegistry(compressors(deflate))
                .addService(ServerInterceptors.intercept(marshaller.rebind(inference.bindService()),
                        new StreamErrorMode()))
                .addService(new ReadinessHealthService(service::isReady));
        limitConnectionTimes(builder, connections);
        Server built = builder.build();
        try {
            built.start();
        } catch (IOException bindFailure) {
            shutdownResources();
            throw new IOException("Socket '" + options.address() + ":" + options.port() + "' already in use or "
                    + "not bindable: " + bindFailure.getMessage(), bindFailure);
        }
        server = built;
        InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
        LOG.debug("gRPC listening at {}:{}", options.address(), bound.getPort());
        return bound;
    }

    /** The bound port; only valid after {@link #start()}. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("gRPC server is not started");
        }
        return server.getPort();
    }

    /** Graceful stop: no new calls, open streams end after their requests (up to the timeout), then close. */
    public synchronized void stop(long timeoutMillis) throws InterruptedException {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            openStreams.shutdown();
            if (!server.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("gRPC server stopping with calls still running ({} open streams)", openStreams.size());
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } finally {
            server = null;
            shutdownResources();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(DEFAULT_STOP_TIMEOUT_MILLIS);
    }

    /** Idle, handshake and age limits (grpc-java's own knobs); 0 leaves grpc-java's default (none, or 120 s). */
    private static void limitConnectionTimes(NettyServerBuilder builder, GrpcServerOptions.Connections connections) {
        if (connections.idleTimeoutMillis() > 0) {
            builder.maxConnectionIdle(connections.idleTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
        if (connections.handshakeTimeoutMillis() > 0) {
            builder.handshakeTimeout(connections.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
        if (connections.maxAgeMillis() > 0) {
            builder.maxConnectionAge(connections.maxAgeMillis(), TimeUnit.MILLISECONDS);
            if (connections.maxAgeGraceMillis() > 0) {
                builder.maxConnectionAgeGrace(connections.maxAgeGraceMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static CompressorRegistry compressors(DeflateCodec deflate) {
        CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
        CompressorRegistry defaults = CompressorRegistry.getDefaultInstance();
        registry.register(defaults.lookupCompressor("gzip"));
        registry.register(defaults.lookupCompressor("identity"));
        registry.register(deflate);
        return registry;
    }

    private void shutdownResources() {
        executor.shutdownNow();
        // Quiet period 0: nothing is left to run once the server is down.
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (workers != sharedWorkers) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
