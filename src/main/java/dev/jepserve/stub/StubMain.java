package dev.jepserve.stub;

import com.google.protobuf.ByteString;
import dev.jepserve.inference.TritonException;
import dev.jepserve.logging.LineLog;
import dev.jepserve.logging.LogFormat;
import dev.jepserve.logging.LogSettingsChange;
import dev.jepserve.metrics.MetricCells;
import dev.jepserve.metrics.RemoteMetrics;
import dev.jepserve.python.PythonBls;
import dev.jepserve.python.PythonEnvironment;
import dev.jepserve.python.PythonEnvironmentProbe;
import dev.jepserve.python.PythonLogSink;
import dev.jepserve.python.PythonRuntime;
import dev.jepserve.python.PythonSetupException;
import dev.jepserve.stub.proto.AutoCompleteConfig;
import dev.jepserve.stub.proto.Execute;
import dev.jepserve.stub.proto.ExecutionDone;
import dev.jepserve.stub.proto.RegionSlice;
import dev.jepserve.stub.proto.SharedMemory;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.LoadInstance;
import dev.jepserve.stub.proto.LogSettings;
import dev.jepserve.stub.proto.MetricsFlushed;
import dev.jepserve.stub.proto.Pong;
import dev.jepserve.stub.proto.Reply;
import dev.jepserve.stub.proto.ToStub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletionException;

/**
 * The stub process: one model instance in its own JVM and CPython. Connects to the server's socket, then
 * serves its messages until the connection closes, and exits with it (a stub never outlives the server).
 * Usage: {@code java -cp jepserve.jar dev.jepserve.stub.StubMain <socket> <python> <jep version> <log settings>}
 * (see {@link StubLaunch#logArguments()}).
 */
public final class StubMain {
    private static final long METRICS_FLUSH_MILLIS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(StubMain.class);

    private final StubChannel channel;
    private final StubForwarder forwarder;
    private final PythonRuntime python;
    private final StubMetricsLink metrics;
    private final RemoteMetrics remoteMetrics;
    private final StubBlsTransport bls;
    /** Runs initialize and finalize, so the reader stays free for the server's answers to metric calls. */
    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jepserve-stub-lifecycle");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String instanceKey;
    /** Phases of this stub's start, logged (verbose) once its first load or auto-complete finished. */
    private volatile StubStartTrace trace;
    /** The input region the server writes batches into (null until LoadInstance names it). */
    private volatile SharedRegion inputs;
    /** The input mapping Python last got a view of (executeInRegion; the Python thread's only). */
    private MappedByteBuffer inputMapping;

    private StubMain(StubChannel channel, StubForwarder forwarder, PythonRuntime python, RemoteMetrics remoteMetrics,
                     StubMetricsLink metrics, StubBlsTransport bls, StubStartTrace trace) {
        this.remoteMetrics = remoteMetrics;
        this.trace = trace;
        this.bls = bls;
        this.channel = channel;
        this.forwarder = forwarder;
        this.python = python;
        this.metrics = metrics;
    }

    /** Updates made outside any request (a background thread's gauge) still reach the server promptly. */
    private static void startMetricsFlush(StubForwarder forwarder) {
        Thread flusher = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(METRICS_FLUSH_MILLIS);
                    forwarder.flushMetrics();
                } catch (InterruptedException | RuntimeException e) {
                    return;
                }
            }
        }, "jepserve-stub-metrics-flush");
        flusher.setDaemon(true);
        flusher.start();
    }

    public static void main(String[] args) throws IOException {
        StubStartTrace trace = new StubStartTrace();
        trace.mark("main");
        // The log layout prints the pid; set it before the first logger exists.
        System.setProperty("jepserve.pid", Long.toString(ProcessHandle.current().pid()));
        if (args.length >= 9) {
            LineLog.configure(StubLaunch.parseLogArguments(List.of(args).subList(3, 9)));
        }
        trace.mark("logging");
        exitWithParent();
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        StubChannel channel = new StubChannel(socket);
        // The execute channel: a second connection, read by the Python thread itself (StubExecuteChannel).
        SocketChannel executeSocket = SocketChannel.open(StandardProtocolFamily.UNIX);
        executeSocket.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        trace.mark("connected");
        PendingCoroutines coroutines = new PendingCoroutines();
        StubForwarder forwarder = new StubForwarder(channel, coroutines);
        StubMetricsLink metrics = new StubMetricsLink(forwarder);
        forwarder.attachMetrics(metrics);
        PythonRuntime python;
        RemoteMetrics remoteMetrics;
        try {
            PythonEnvironment environment = args.length >= 15
                    ? StubLaunch.parseEnvironment(Path.of(args[1]), List.of(args).subList(9, 15))
                    : new PythonEnvironmentProbe(args[2]).probe(Path.of(args[1]));
            // Java imports see the JDK's packages only: Jep's default scans the whole jar at start (JdkPackages).
            jep.SharedInterpreter.setConfig(new jep.JepConfig().setClassEnquirer(new JdkPackages()));
            remoteMetrics = new RemoteMetrics(metrics);
            python = PythonRuntime.start(environment, 1, new PythonLogSink(), remoteMetrics, forwarder);
        } catch (PythonSetupException e) {
            System.err.println("error: " + e.getMessage());
            Runtime.getRuntime().halt(3);
            return;
        }
        trace.mark("python");
        startMetricsFlush(forwarder);
        StubBlsTransport bls = new StubBlsTransport(forwarder);
        python.installBls(new PythonBls(bls, python.workerHelp(), forwarder::isCancelled,
                Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "jepserve-stub-bls-sweep");
                    thread.setDaemon(true);
                    return thread;
                })));
        StubMain stub = new StubMain(channel, forwarder, python, remoteMetrics, metrics, bls, trace);
        python.serveWhenIdle(new StubExecuteChannel(executeSocket, coroutines, stub::executeHere));
        stub.serve();
        // The server is gone (or told us to finish): no Python thread may keep the process alive.
        Runtime.getRuntime().halt(0);
    }

    private void serve() throws IOException {
        ToStub message;
        while ((message = channel.read(ToStub.parser())) != null) {
            switch (message.getKindCase()) {
                case LOAD_INSTANCE -> {
                    long callId = message.getCallId();
                    LoadInstance load = message.getLoadInstance();
                    if (load.hasSharedMemory()) {
                        openRegions(load.getSharedMemory());
                    }
                    if (!load.getMetricCells().isEmpty()) {
                        attachMetricCells(Path.of(load.getMetricCells()));
                    }
                    lifecycle.execute(() -> {
                        String error = load(load);
                        traceDone("instance loaded");
                        reply(callId, error);
                    });
                }
                case AUTO_COMPLETE -> {
                    long callId = message.getCallId();
                    AutoCompleteConfig request = message.getAutoComplete();
                    lifecycle.execute(() -> {
                        Reply reply = autoComplete(callId, request);
                        traceDone("auto-complete");
                        forwarder.write(FromStub.newBuilder().setReply(reply).build());
                    });
                }
                case RELEASE_OUTPUTS -> forwarder.releaseOutputs(message.getReleaseOutputs().getOffsetsList());
                case METRIC_REPLY -> metrics.onReply(message.getMetricReply());
                // The queued updates go out ahead of the acknowledgement (StubForwarder.write).
                case FLUSH_METRICS -> forwarder.write(FromStub.newBuilder().setMetricsFlushed(MetricsFlushed.newBuilder()
                        .setSequence(message.getFlushMetrics().getSequence())).build());
                case CANCELLED -> forwarder.markCancelled(message.getCancelled().getRequestHandlesList());
                case CHECK_READY -> checkReady(message.getCheckReady().getCheck());
                case MODEL_CONTROL_REPLY -> forwarder.modelControl().onReply(message.getModelControlReply());
                case BLS_ANSWER -> bls.onAnswer(message.getBlsAnswer());
                case LOG_SETTINGS -> applyLogSettings(message.getLogSettings());
                // Answered here, on the socket's reader thread: it never needs the GIL or the Python worker.
                case PING -> forwarder.write(FromStub.newBuilder()
                        .setPong(Pong.newBuilder().setSequence(message.getPing().getSequence())).build());
                case FINALIZE -> {
                    long callId = message.getCallId();
                    lifecycle.execute(() -> {
                        String error = instanceKey == null ? null : python.finalizeInstance(instanceKey);
                        reply(callId, error == null ? "" : error);
                    });
                }
                default -> {
                }
            }
        }
    }

    /** The server's log settings changed (the logging extension): this stub's lines follow them. */
    private static void applyLogSettings(LogSettings settings) {
        LineLog.update(new LogSettingsChange(settings.getInfo(), settings.getWarning(), settings.getError(),
                settings.getVerbose(), LogFormat.parse(settings.getFormat())));
    }

    private void traceDone(String phase) {
        StubStartTrace started = trace;
        if (started != null) {
            trace = null;
            started.mark(phase);
            LOG.debug("stub start: {}", started.summary());
        }
    }

    /**
     * A stub whose server is gone exits even when its reader thread is busy (an initialize() that never
     * returns would otherwise keep it alive after the connection closed).
     */
    private static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> {
            Thread watcher = new Thread(() -> {
                while (parent.isAlive()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                Runtime.getRuntime().halt(0);
            }, "jepserve-stub-parent-watch");
            watcher.setDaemon(true);
            watcher.start();
        });
    }

    /**
     * Imports model.py in a throw-away module and runs its auto_complete_config; the reply carries the completed
     * config (empty when the model has none) or the error.
     */
    private Reply autoComplete(long callId, AutoCompleteConfig request) {
        Reply.Builder reply = Reply.newBuilder().setCallId(callId);
        String moduleKey = python.newKey(request.getModelName() + "_autocomplete");
        try {
            if (!request.getEnvironmentDir().isEmpty()) {
                python.useEnvironment(request.getEnvironmentDir(), request.getPythonPathsList());
            }
            python.loadModule(moduleKey, Path.of(request.getModelFile()), Path.of(request.getVersionDir()),
                    Path.of(request.getModelDir()), request.getModelName(), request.getModelVersion());
        } catch (TritonException e) {
            return reply.setError(e.getMessage()).build();
        }
        try {
            if (python.hasAutoComplete(moduleKey)) {
                reply.setConfigJson(python.autoComplete(moduleKey, request.getModelName(), request.getConfigJson()));
            }
        } catch (TritonException e) {
            reply.setError(e.getMessage());
        } finally {
            python.unloadModule(moduleKey);
        }
        return reply.build();
    }

    /** Imports model.py and runs initialize(args); returns the error text, or "" on success. */
    private String load(LoadInstance load) {
        try {
            if (!load.getEnvironmentDir().isEmpty()) {
                python.useEnvironment(load.getEnvironmentDir(), load.getPythonPathsList());
            }
            String moduleKey = python.newKey(load.getInstanceName());
            python.loadModule(moduleKey, Path.of(load.getModelFile()), Path.of(load.getVersionDir()),
                    Path.of(load.getModelDir()), load.getModelName(), load.getModelVersion());
            instanceKey = python.createInstance(moduleKey, load.getInstanceName(), load.getModelName(),
                    load.getModelVersion(), Path.of(load.getVersionDir()), load.getArgsMap(), load.getDecoupled());
            return "";
        } catch (TritonException e) {
            return e.getMessage();
        }
    }

    /**
     * Maps the server's table of counter and gauge values, before initialize() creates most series; without it
     * (it could not be mapped) every update and read goes to the server as a message.
     */
    private void attachMetricCells(Path file) {
        try {
            remoteMetrics.attachCells(MetricCells.open(file));
        } catch (IOException e) {
            LOG.warn("custom metrics go through messages: the shared value table could not be mapped ({})",
                    e.getMessage());
        }
    }

    /** Maps the regions the server created: inputs to view, outputs to write responses into. */
    private void openRegions(SharedMemory shared) throws IOException {
        SharedMemorySettings settings = new SharedMemorySettings(shared.getDefaultByteSize(),
                shared.getGrowthByteSize(), shared.getMaxByteSize());
        inputs = SharedRegion.open(Path.of(shared.getInputRegion()));
        forwarder.attachOutputs(new RegionAllocator(SharedRegion.open(Path.of(shared.getOutputRegion())), settings));
    }

    /** Runs one Execute on the calling thread, the Python thread, which read it from the execute channel. */
    private void executeHere(ToStub message) {
        Execute execute = message.getExecute();
        forwarder.releaseOutputs(execute.getReleasedOutputsList());
        String done;
        try {
            done = execute.getInputSlicesCount() > 0 ? executeInRegion(execute)
                    : python.executeHere(instanceKey, execute.getBatchJson(), inlineInputs(execute));
        } catch (IOException | RuntimeException error) {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            forwarder.write(FromStub.newBuilder().setExecutionDone(ExecutionDone.newBuilder()
                    .setBatch(execute.getBatch()).setRuntimeError(String.valueOf(cause.getMessage()))).build());
            return;
        }
        if (done != null) {
            forwarder.executeReturned(done);
        } else {
            forwarder.coroutineAwaiting(); // the next batch waits until it ends (StubExecuteChannel)
        }
    }

    /**
     * Runs the batch over its inputs in the input region: Python gets a uint8 array over the whole mapping (no
     * copy) when it changed since the last batch, and slices it by the offsets and lengths given as text.
     */
    private String executeInRegion(Execute execute) throws IOException {
        long end = 0;
        StringBuilder slices = new StringBuilder(execute.getInputSlicesCount() * 12);
        for (RegionSlice slice : execute.getInputSlicesList()) {
            long length = Math.max(0, slice.getLength());
            end = Math.max(end, slice.getOffset() + length);
            slices.append(slice.getOffset()).append(' ').append(length).append(' ');
        }
        MappedByteBuffer mapping = inputs.mapping(end);
        Object region = null;
        if (mapping != inputMapping) {
            region = new jep.DirectNDArray<>(mapping.duplicate().order(ByteOrder.LITTLE_ENDIAN), true);
            inputMapping = mapping;
        }
        return python.executeHereInRegion(instanceKey, execute.getBatchJson(), region, slices.toString());
    }

    /** The batch's inputs as uint8 numpy arrays over copies of the bytes the Execute message carried. */
    private Object[] inlineInputs(Execute execute) {
        List<ByteString> buffers = execute.getBuffersList();
        Object[] views = new Object[buffers.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = numpyView(buffers.get(i));
        }
        return views;
    }

    /** Starts is_ready() on the Python worker; an answer known at once (or a failure) is sent from here. */
    private void checkReady(long check) {
        String key = instanceKey;
        if (key == null) {
            forwarder.readinessChecked(check, "false");
            return;
        }
        python.checkReady(key, check).whenComplete((immediate, error) -> {
            if (error != null) {
                forwarder.readinessChecked(check, "false");
            } else if (immediate != null) {
                forwarder.readinessChecked(check, immediate);
            }
        });
    }

    /** The bytes as a direct buffer Jep can hand to numpy without another copy. */
    private static Object numpyView(ByteString bytes) {
        if (bytes.isEmpty()) {
            return null;
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.size()).order(ByteOrder.LITTLE_ENDIAN);
        bytes.copyTo(direct);
        direct.flip();
        return new jep.DirectNDArray<>(direct, true, bytes.size());
    }

    private void reply(long callId, String error) {
        forwarder.write(FromStub.newBuilder().setReply(Reply.newBuilder().setCallId(callId).setError(error)).build());
    }
}
