package dev.jepserve.stub;

import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.InitializeArgs;
import dev.jepserve.python.PythonCallbacks;
import dev.jepserve.stub.proto.LoadInstance;
import dev.jepserve.stub.proto.Reply;
import dev.jepserve.stub.proto.ToStub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Python models in stub processes: one child process per instance, each with its own interpreter,
 * sys.modules and GIL. A model that crashes or exits takes only its stub down.
 */
public final class StubProcessBackend implements ModelBackend {
    private static final Logger LOG = LoggerFactory.getLogger(StubProcessBackend.class);
    /** How often cancellations of running requests are pushed to the stubs. */
    private static final long CANCELLATION_SWEEP_MILLIS = 20;

    private final StubLaunch launch;
    private final PythonCallbacks callbacks;
    private final ModelBackend autoCompleter;
    private final ScheduledExecutorService timers;

    /**
     * @param callbacks     resolves the request handles of every stub's responses
     * @param autoCompleter runs auto_complete_config (in the server's interpreter, for now)
     */
    public StubProcessBackend(StubLaunch launch, PythonCallbacks callbacks, ModelBackend autoCompleter,
                              ScheduledExecutorService timers) {
        this.launch = launch;
        this.callbacks = callbacks;
        this.autoCompleter = autoCompleter;
        this.timers = timers;
    }

    @Override
    public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
        return autoCompleter.autoComplete(modelName, partial, newestVersionDir, modelDir);
    }

    @Override
    public LoadedInstances loadInstances(VersionSource source) {
        ModelConfig config = source.config();
        String version = Long.toString(source.version());
        Path modelFile = source.versionDir().resolve(config.getDefaultModelFilename());
        if (!Files.isRegularFile(modelFile)) {
            throw TritonException.invalidArg("Python model file not found in '" + modelFile + "'");
        }
        String configJson = ModelConfigJson.toJson(config);
        List<StubModelInstance> instances = new ArrayList<>();
        try {
            for (ModelInstanceGroup group : config.getInstanceGroupList()) {
                for (int i = 0; i < group.getCount(); i++) {
                    String instanceName = group.getName() + "_" + i;
                    LoadInstance load = LoadInstance.newBuilder().setModelFile(modelFile.toString())
                            .setVersionDir(source.versionDir().toString()).setModelDir(source.modelDir().toString())
                            .setModelName(source.modelName()).setModelVersion(version).setInstanceName(instanceName)
                            .putAllArgs(InitializeArgs.of(configJson, group, instanceName, source.modelDir(), version,
                                    source.modelName()))
                            .setDecoupled(config.getModelTransactionPolicy().getDecoupled()).build();
                    instances.add(startInstance(instanceName, source.modelName(), version, load));
                }
            }
        } catch (TritonException e) {
            instances.forEach(StubModelInstance::finalizeAndStop);
            throw e;
        }
        ScheduledFuture<?> sweep = timers.scheduleAtFixedRate(
                () -> instances.forEach(StubModelInstance::pushCancellations),
                CANCELLATION_SWEEP_MILLIS, CANCELLATION_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        Runnable release = () -> {
            sweep.cancel(false);
            instances.forEach(StubModelInstance::finalizeAndStop);
        };
        return new LoadedInstances(instances, release,
                () -> instances.stream().allMatch(StubModelInstance::isHealthy));
    }

    private StubModelInstance startInstance(String instanceName, String modelName, String version, LoadInstance load) {
        StubProcess stub;
        try {
            stub = StubProcess.start(instanceName, launch);
        } catch (IOException e) {
            throw TritonException.internal("Failed to preinitialize Python stub: " + e.getMessage());
        }
        StubModelInstance instance = new StubModelInstance(instanceName, modelName, version, stub, callbacks);
        stub.listen(instance);
        Reply reply;
        try {
            reply = stub.call(ToStub.newBuilder().setLoadInstance(load)).get(launch.startTimeoutSeconds(),
                    TimeUnit.SECONDS);
        } catch (Exception e) {
            stub.close();
            throw TritonException.internal("Stub process '" + instanceName + "' is not healthy.");
        }
        if (!reply.getError().isEmpty()) {
            stub.close();
            throw TritonException.invalidArg(reply.getError());
        }
        LOG.info("started stub process {} for model instance '{}'", stub.pid(), instanceName);
        return instance;
    }
}
