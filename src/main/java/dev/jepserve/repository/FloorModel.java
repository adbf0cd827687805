package dev.jepserve.repository;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The benchmark floor ({@code --bench-floor-model}): a model named {@value #NAME} with the add/sub interface
 * (FP32 INPUT0, INPUT1 of any length → OUTPUT0 = sum, OUTPUT1 = difference) computed in Java on a thread of
 * its own. Requests take the whole server path (HTTP, validation, scheduler, metrics, statistics) except
 * Python, so comparing it with a Python model under the same load shows what the Python hop costs.
 */
public final class FloorModel {
    public static final String NAME = "jepserve_floor";

    private FloorModel() {
    }

    public static LoadedModel create(ModelVersionFactory versions) {
        long started = System.nanoTime();
        AddSubInstance instance = new AddSubInstance();
        ModelVersionRuntime runtime = versions.create(NAME, 1, config(),
                new ModelBackend.LoadedInstances(List.of(instance), instance.executor::shutdown), started);
        return new LoadedModel(NAME, Path.of(NAME), List.of(VersionStatus.ready(runtime)));
    }

    private static ModelConfig config() {
        ModelConfig.Builder config = ModelConfig.newBuilder().setName(NAME).setBackend("jepserve_floor");
        for (String name : List.of("INPUT0", "INPUT1")) {
            config.addInput(ModelInput.newBuilder().setName(name).setDataType(DataType.TYPE_FP32).addDims(-1));
        }
        for (String name : List.of("OUTPUT0", "OUTPUT1")) {
            config.addOutput(ModelOutput.newBuilder().setName(name).setDataType(DataType.TYPE_FP32).addDims(-1));
        }
        config.getVersionPolicyBuilder().getLatestBuilder().setNumVersions(1);
        config.addInstanceGroup(ModelInstanceGroup.newBuilder().setName(NAME).setKind(ModelInstanceGroup.Kind.KIND_CPU)
                .setCount(1));
        return config.build();
    }

    /** One instance computing add/sub in Java, off the caller's thread like a Python instance. */
    private static final class AddSubInstance implements ModelInstance {
        private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jepserve-floor");
            thread.setDaemon(true);
            return thread;
        });

        @Override
        public String name() {
            return NAME + "_0";
        }

        @Override
        public CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch) {
            return CompletableFuture.supplyAsync(() -> {
                long started = System.nanoTime();
                for (ScheduledRequest request : batch) {
                    request.send(addSub(request.request()), true);
                }
                return new ExecutionTimes(0, System.nanoTime() - started, 0);
            }, executor);
        }

        private static InferenceResponse addSub(InferenceRequest request) {
            Tensor a = request.input("INPUT0");
            FloatBuffer x = a.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            FloatBuffer y = request.input("INPUT1").data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            ByteBuffer sum = ByteBuffer.allocate(a.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer difference = ByteBuffer.allocate(a.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < x.limit(); i++) {
                sum.putFloat(i * 4, x.get(i) + y.get(i));
                difference.putFloat(i * 4, x.get(i) - y.get(i));
            }
            List<Tensor> outputs = new ArrayList<>();
            for (String name : request.requestedOutputs()) {
                ByteBuffer data = name.equals("OUTPUT0") ? sum : difference;
                outputs.add(new Tensor(name, dev.jepserve.inference.DataType.FP32, a.shape(), data));
            }
            return new InferenceResponse(NAME, "1", request.id(), Map.of(), outputs);
        }
    }
}
