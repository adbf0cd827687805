package dev.jepserve.http;

import dev.jepserve.http.transport.AcceptErrors;
import dev.jepserve.http.transport.ActiveRequests;
import dev.jepserve.http.transport.HttpServerInitializer;
import dev.jepserve.http.transport.OffloadExecutor;
import dev.jepserve.http.transport.Router;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.logging.LogController;
import dev.jepserve.trace.TraceManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One listening HTTP/1.1 server: its own acceptor thread and event loops, a route set, a body limit.
 * Used for Triton's API port ({@link #forInference}) and the metrics port ({@link #forMetrics}).
 *
 * <p>{@link #stop(long)} is graceful: it stops accepting, waits (up to the timeout) for requests already
 * accepted to be answered, then closes every connection and shuts the event loops down.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final long DEFAULT_STOP_TIMEOUT_MILLIS = 5_000;
    /** Bodies waiting for an offload thread; each connection has at most one request in work at a time. */
    private static final int OFFLOAD_QUEUE_CAPACITY = 1024;

    private final String name;
    private final HttpServerOptions options;
    private final Router router;
    private final ActiveRequests active = new ActiveRequests();

    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private OffloadExecutor offload;
    private ChannelGroup connections;
    private Channel listener;
    private InetSocketAddress boundAddress;

    /**
     * @param name    a short label for thread names and logs ("http", "metrics")
     * @param options bind address, port, event-loop threads and body limit
     * @param router  the routes this server answers
     */
    public HttpServer(String name, HttpServerOptions options, Router router) {
        this.name = name;
        this.options = options;
        this.router = router;
    }

    /** Triton's HTTP/REST API over the given service; the logging extension changes {@code logs}. */
    public static HttpServer forInference(InferenceService service, LogController logs, HttpServerOptions options) {
        return new HttpServer("http", options, TritonRoutes.create(service, logs, options.maxInputSize()));
    }

    /** {@link #forInference(InferenceService, LogController, HttpServerOptions)} with the trace extension. */
    public static HttpServer forInference(InferenceService service, LogController logs, TraceManager traces,
                                          HttpServerOptions options) {
        return new HttpServer("http", options, TritonRoutes.create(service, logs, traces, options.maxInputSize()));
    }

    /** The metrics port: {@code GET /metrics} answers with {@code scrape.get()}. */
    public static HttpServer forMetrics(Supplier<String> scrape, HttpServerOptions options) {
        return new HttpServer("metrics", options, MetricsRoutes.create(scrape));
    }

    /**
     * Binds and starts serving.
     *
     * @return the address actually bound (its port is the chosen one when the options asked for port 0)
     * @throws IOException when the address cannot be bound (e.g. the port is in use)
     */
    public synchronized InetSocketAddress start() throws IOException, InterruptedException {
        if (listener != null) {
            throw new IllegalStateException(name + " server already started");
        }
        acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("jepserve-" + name + "-accept"));
        workers = new NioEventLoopGroup(options.eventLoopThreads(), new DefaultThreadFactory("jepserve-" + name));
        connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        offload = new OffloadExecutor("jepserve-" + name + "-offload", options.offloadThreads(),
                OFFLOAD_QUEUE_CAPACITY, options.inlineLimit());
        HttpServerInitializer initializer =
                new HttpServerInitializer(router, options.maxInputSize(), active, connections, offload,
                        options.limits());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptErrors(name))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(initializer);
        try {
            listener = bootstrap.bind(options.address(), options.port()).sync().channel();
        } catch (Exception bindFailure) {
            shutdownGroups();
            listener = null;
            throw new IOException("Socket '" + options.address() + ":" + options.port() + "' already in use or "
                    + "not bindable: " + bindFailure.getMessage(), bindFailure);
        }
        boundAddress = (InetSocketAddress) listener.localAddress();
        LOG.debug("Started {} service at {}:{}", name, options.address(), boundAddress.getPort());
        return boundAddress;
    }

    /** The bound port; only valid after {@link #start()}. */
    public synchronized int port() {
        if (boundAddress == null) {
            throw new IllegalStateException(name + " server is not started");
        }
        return boundAddress.getPort();
    }

    /** Requests accepted and not yet answered. */
    public int activeRequests() {
        return active.count();
    }

    /** Graceful stop: no new connections, in-flight requests answered (up to the timeout), then close. */
    public synchronized void stop(long timeoutMillis) throws InterruptedException {
        if (listener == null) {
            return;
        }
        listener.close().syncUninterruptibly();
        listener = null;
        try {
            if (!active.awaitIdle(timeoutMillis)) {
                LOG.warn("{} server stopping with {} requests still in flight", name, active.count());
            }
        } finally {
            connections.close().awaitUninterruptibly(timeoutMillis, TimeUnit.MILLISECONDS);
            shutdownGroups();
            boundAddress = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(DEFAULT_STOP_TIMEOUT_MILLIS);
    }

    private void shutdownGroups() {
        // Quiet period 0: nothing is left to run once connections are closed.
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        offload.shutdown();
    }
}
