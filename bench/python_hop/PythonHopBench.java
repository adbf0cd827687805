import dev.jepserve.inference.BatchPolicy;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.FailureReason;
import dev.jepserve.inference.InferenceObserver;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.QueueScheduler;
import dev.jepserve.inference.SingleResponseFuture;
import dev.jepserve.inference.Tensor;
import dev.jepserve.python.PythonEnvironmentProbe;
import dev.jepserve.python.PythonLogSink;
import dev.jepserve.config.ModelConfigPreparer;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.python.InProcessPythonBackend;
import dev.jepserve.python.PythonCallbacks;
import dev.jepserve.python.PythonRuntime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The in-process cost of one execute() round trip, Java → Python worker → Java, on the add_sub example with
 * FP32[4] inputs, without HTTP: where the time goes between the scheduler and the model. Requests go through
 * the model's scheduler and come back through a response sink, as from a front end.
 * Usage: java -cp target/jepserve.jar:bench/python_hop PythonHopBench <venv> <examples dir>
 */
public final class PythonHopBench {
    public static void main(String[] args) {
        Path venv = Path.of(args[0]);
        Path model = Path.of(args[1]).resolve("add_sub");
        PythonCallbacks callbacks = new PythonCallbacks();
        PythonRuntime python = PythonRuntime.start(new PythonEnvironmentProbe("4.3.1").probe(venv), 1,
                new PythonLogSink(), null, callbacks);
        // The example's instance, loaded by the in-process backend as the server loads it.
        ModelConfig config = ModelConfigPreparer.prepare(model, "", false, partial -> partial);
        InProcessPythonBackend backend = new InProcessPythonBackend(python, callbacks, owner -> { });
        List<? extends ModelInstance> instances = backend.loadInstances(
                new ModelBackend.VersionSource("add_sub", model, config, 1, model.resolve("1"))).instances();
        // Sums what Python reports for each execute(): building requests, the model, sending responses.
        AtomicLongArray phases = new AtomicLongArray(3);
        InferenceObserver timing = new InferenceObserver() {
            @Override
            public void queued() {
            }

            @Override
            public void dequeued() {
            }

            @Override
            public void executed(int batchSize, long input, long infer, long output) {
                phases.addAndGet(0, input);
                phases.addAndGet(1, infer);
                phases.addAndGet(2, output);
            }

            @Override
            public void succeeded(int batchSize, long requestNanos, long queueNanos, long input, long infer,
                                  long output) {
            }

            @Override
            public void failed(FailureReason reason, long requestNanos) {
            }
        };
        QueueScheduler scheduler = new QueueScheduler(instances, BatchPolicy.oneRequestPerCall(), timing,
                Executors.newSingleThreadScheduledExecutor());
        ByteBuffer data = ByteBuffer.allocateDirect(32).order(ByteOrder.LITTLE_ENDIAN);
        InferenceRequest request = new InferenceRequest("add_sub", -1, "", 0L, 0, 0, Map.of(),
                List.of(new Tensor("INPUT0", DataType.FP32, new long[] {4}, data.slice(0, 16)),
                        new Tensor("INPUT1", DataType.FP32, new long[] {4}, data.slice(16, 16))),
                List.of("OUTPUT0", "OUTPUT1"));
        int calls = 20_000;
        for (int round = 0; round < 5; round++) {
            for (int p = 0; p < 3; p++) {
                phases.set(p, 0);
            }
            long started = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                SingleResponseFuture.of(sink -> scheduler.submit(request, 1, sink)).join();
            }
            long pythonInput = phases.get(0);
            long pythonInfer = phases.get(1);
            long pythonOutput = phases.get(2);
            double total = (System.nanoTime() - started) / 1e3 / calls;
            double inPython = (pythonInput + pythonInfer + pythonOutput) / 1e3 / calls;
            System.out.printf("round %d: %.1f us per execute() round trip; in Python %.1f us (requests %.1f, "
                    + "model %.1f, outputs %.1f); hand-off and conversion %.1f us%n", round, total, inPython,
                    pythonInput / 1e3 / calls, pythonInfer / 1e3 / calls, pythonOutput / 1e3 / calls, total - inPython);
        }
        System.exit(0);
    }
}
