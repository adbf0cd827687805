package dev.jepserve.inference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link QueueScheduler#startAtOnce}: a request its caller runs on an idle instance, counted as any other. */
class QueueSchedulerStartAtOnceTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    /** An instance whose scheduled executions the test sees and completes. */
    private static final class Instance implements ModelInstance {
        final LinkedBlockingQueue<List<ScheduledRequest>> batches = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<CompletableFuture<ExecutionTimes>> returns = new LinkedBlockingQueue<>();

        @Override
        public String name() {
            return "m_0";
        }

        @Override
        public CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch) {
            CompletableFuture<ExecutionTimes> result = new CompletableFuture<>();
            batches.add(batch);
            returns.add(result);
            return result;
        }
    }

    private static InferenceRequest request(String id, long timeoutMicros) {
        Tensor x = new Tensor("X", DataType.INT8, new long[] {1}, ByteBuffer.allocateDirect(1));
        return new InferenceRequest("m", -1, id, 0L, 0, timeoutMicros, Map.of(), List.of(x), List.of("Y"));
    }

    private static InferenceResponse answer(String id) {
        return new InferenceResponse("m", "1", id, Map.of(), List.of());
    }

    private static final ResponseSink IGNORED = new ResponseSink() {
        @Override
        public void send(InferenceResponse response, boolean isFinal) {
        }

        @Override
        public void fail(TritonException error, boolean isFinal) {
        }
    };

    @Test
    void reservesTheIdleInstanceCountsTheRequestAndGivesTheInstanceBackAtFinish() throws Exception {
        Instance instance = new Instance();
        ModelStatistics statistics = new ModelStatistics();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(), statistics,
                timers);
        CompletableFuture<InferenceResponse> direct = new CompletableFuture<>();
        ImmediateRun run = scheduler.startAtOnce(request("direct", 0), 1, sinkOf(direct), candidate -> true);
        assertThat(run).isNotNull();
        assertThat(run.instance()).isSameAs(instance);
        assertThat(scheduler.startAtOnce(request("second", 0), 1, IGNORED, candidate -> true))
                .as("the instance is reserved").isNull();
        CompletableFuture<InferenceResponse> queued = SingleResponseFuture.of(
                sink -> scheduler.submit(request("queued", 0), 1, sink));
        assertThat(instance.batches.poll(100, TimeUnit.MILLISECONDS)).as("no execution while reserved").isNull();

        assertThat(run.request().send(answer("direct"), true)).isTrue();
        assertThat(direct.get(5, TimeUnit.SECONDS).id()).isEqualTo("direct");
        run.finish(new ExecutionTimes(1000, 2000, 3000));

        List<ScheduledRequest> next = instance.batches.poll(5, TimeUnit.SECONDS);
        assertThat(next).as("the queued request runs once the instance is back").isNotNull();
        next.get(0).send(answer("queued"), true);
        instance.returns.poll().complete(new ExecutionTimes(1, 2, 3));
        assertThat(queued.get(5, TimeUnit.SECONDS).id()).isEqualTo("queued");
        ModelStatistics.Snapshot snapshot = statistics.snapshot();
        assertThat(snapshot.success().count()).isEqualTo(2);
        assertThat(snapshot.executionCount()).isEqualTo(2);
        assertThat(snapshot.inferenceCount()).isEqualTo(2);
        assertThat(snapshot.computeInfer().count()).isEqualTo(2);
    }

    @Test
    void leavesToTheQueueWhatWouldNotStartAtOnce() {
        Instance instance = new Instance();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(),
                new ModelStatistics(), timers);
        assertThat(scheduler.startAtOnce(request("timed", 1_000_000), 1, IGNORED, candidate -> true))
                .as("a request timeout").isNull();
        assertThat(scheduler.startAtOnce(request("elsewhere", 0), 1, IGNORED, candidate -> false))
                .as("an instance the caller cannot run").isNull();
        QueueScheduler delayed = new QueueScheduler(List.of(new Instance()), dynamic(8, List.of(4), 100_000),
                new ModelStatistics(), timers);
        assertThat(delayed.startAtOnce(request("waits", 0), 1, IGNORED, candidate -> true))
                .as("a batching delay to honour").isNull();
        assertThat(delayed.startAtOnce(request("preferred", 0), 4, IGNORED, candidate -> true))
                .as("a preferred batch size leaves at once").isNotNull();
        scheduler.drain(0);
        assertThat(scheduler.startAtOnce(request("closed", 0), 1, IGNORED, candidate -> true))
                .as("a closed scheduler").isNull();
    }

    @Test
    void drainWaitsForTheRunAndCancellingItTellsTheModel() throws Exception {
        Instance instance = new Instance();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(),
                new ModelStatistics(), timers);
        ImmediateRun run = scheduler.startAtOnce(request("direct", 0), 1, IGNORED, candidate -> true);
        run.handle().cancel();
        assertThat(run.request().isCancelled()).isTrue();
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> scheduler.drain(5000));
        Thread.sleep(100);
        assertThat(drained).as("the reserved request is still open").isNotDone();
        run.request().send(answer("direct"), true);
        run.finish(new ExecutionTimes(1, 2, 3));
        drained.get(5, TimeUnit.SECONDS);
    }

    private static ResponseSink sinkOf(CompletableFuture<InferenceResponse> answer) {
        return new ResponseSink() {
            @Override
            public void send(InferenceResponse response, boolean isFinal) {
                answer.complete(response);
            }

            @Override
            public void fail(TritonException error, boolean isFinal) {
                answer.completeExceptionally(error);
            }
        };
    }

    private static BatchPolicy dynamic(int maxBatch, List<Integer> preferred, long delayMicros) {
        return new BatchPolicy(Integer.MAX_VALUE, maxBatch, preferred, delayMicros * 1000, 0, 0, false, true, Set.of(),
                true);
    }
}
