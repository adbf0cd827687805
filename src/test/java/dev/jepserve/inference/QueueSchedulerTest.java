package dev.jepserve.inference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueSchedulerTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    /** An instance whose executions the test completes by hand. */
    private static final class HeldInstance implements ModelInstance {
        final LinkedBlockingQueue<Execution> executions = new LinkedBlockingQueue<>();
        /** What {@link #canRunNow()} answers (false: as a stub instance being restarted). */
        volatile boolean runsNow = true;
        /** What {@link #copiesInputs()} answers (true: as a stub instance). */
        volatile boolean copiesInputs;

        @Override
        public boolean copiesInputs() {
            return copiesInputs;
        }

        @Override
        public boolean canRunNow() {
            return runsNow;
        }

        /** What {@link #queuesNextBatch()} answers (true: as a healthy stub instance with no BLS call open). */
        volatile boolean queuesNext;

        @Override
        public boolean queuesNextBatch() {
            return queuesNext;
        }

        record Execution(List<ScheduledRequest> batch, CompletableFuture<ExecutionTimes> result) {
            void succeed() {
                for (ScheduledRequest request : batch) {
                    request.send(new InferenceResponse("m", "1", request.request().id(), Map.of(), List.of()), true);
                }
                result.complete(new ExecutionTimes(1, 2, 3));
            }

            boolean cancelled(int index) {
                return batch.get(index).isCancelled();
            }
        }

        @Override
        public String name() {
            return "m_0";
        }

        @Override
        public CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch) {
            CompletableFuture<ExecutionTimes> result = new CompletableFuture<>();
            executions.add(new Execution(batch, result));
            return result;
        }

        Execution next() throws InterruptedException {
            Execution execution = executions.poll(5, TimeUnit.SECONDS);
            assertThat(execution).as("an execution started").isNotNull();
            return execution;
        }
    }

    /** Submits and returns the future of the request's one answer (cancelling it cancels the request). */
    private static CompletableFuture<InferenceResponse> submit(QueueScheduler scheduler, InferenceRequest request,
                                                               int batchSize) {
        return SingleResponseFuture.of(sink -> scheduler.submit(request, batchSize, sink));
    }

    private static InferenceRequest request(String id, long... shape) {
        Tensor x = new Tensor("X", DataType.INT8, shape, ByteBuffer.allocateDirect((int) Tensor.elementCount(shape)));
        return new InferenceRequest("m", -1, id, 0L, 0, 0, Map.of(), List.of(x), List.of("Y"));
    }

    private static InferenceRequest timed(String id, long timeoutMicros) {
        Tensor x = new Tensor("X", DataType.INT8, new long[] {1, 1}, ByteBuffer.allocateDirect(1));
        return new InferenceRequest("m", -1, id, 0L, 0, timeoutMicros, Map.of(), List.of(x), List.of("Y"));
    }

    private static BatchPolicy dynamic(int maxBatch, List<Integer> preferred, long delayMicros) {
        return new BatchPolicy(Integer.MAX_VALUE, maxBatch, preferred, delayMicros * 1000, 0, 0, false, true, Set.of(),
                true);
    }

    private static List<String> ids(HeldInstance.Execution execution) {
        return execution.batch().stream().map(r -> r.request().id()).toList();
    }

    /** A request whose input lives in pooled memory. */
    private static InferenceRequest pooled(String id, InputBufferPool pool, long timeoutMicros) {
        InputMemory memory = pool.lease(1 << 20);
        Tensor x = new Tensor("X", DataType.INT8, new long[] {1, 1 << 20}, memory.buffer());
        return new InferenceRequest("m", -1, id, 0L, 0, timeoutMicros, Map.of(), List.of(x), List.of("Y"), memory);
    }

    @Test
    void pooledInputsGoBackOnceTheFinalAnswerIsOutAndNoExecutionReadsThem() throws Exception {
        InputBufferPool pool = new InputBufferPool(64L << 20);
        HeldInstance instance = new HeldInstance();
        instance.copiesInputs = true;
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(),
                InferenceObserver.NONE, timers);

        CompletableFuture<InferenceResponse> answered = submit(scheduler, pooled("a", pool, 0), 1);
        HeldInstance.Execution execution = instance.next();
        ScheduledRequest request = execution.batch().get(0);
        request.send(new InferenceResponse("m", "1", "a", Map.of(), List.of()), true);
        answered.get(5, TimeUnit.SECONDS);
        assertThat(pool.idleBytes()).as("answered, but execute() has not returned").isZero();
        execution.result().complete(ExecutionTimes.NONE);
        assertThat(pool.idleBytes()).as("answered and returned").isEqualTo(1 << 20);

        // A request that times out while it runs is answered at its deadline; its inputs stay until it returns.
        CompletableFuture<InferenceResponse> late = submit(scheduler, pooled("b", pool, 50_000), 1);
        HeldInstance.Execution running = instance.next();
        assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS)).hasMessageContaining("Request timeout expired");
        assertThat(pool.idleBytes()).as("the buffer of b is still leased").isZero();
        running.result().complete(ExecutionTimes.NONE);
        assertThat(pool.idleBytes()).isEqualTo(1 << 20);
    }

    @Test
    void pooledInputsOfAnInstanceThatLetsThemOutliveExecuteAreNeverReused() throws Exception {
        InputBufferPool pool = new InputBufferPool(64L << 20);
        HeldInstance instance = new HeldInstance(); // as in process: Python views the inputs
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(),
                InferenceObserver.NONE, timers);
        CompletableFuture<InferenceResponse> answered = submit(scheduler, pooled("a", pool, 0), 1);
        instance.next().succeed();
        answered.get(5, TimeUnit.SECONDS);
        assertThat(pool.idleBytes()).isZero();

        // Refused in the queue (never executed): given back at once.
        HeldInstance busy = new HeldInstance();
        busy.copiesInputs = true;
        QueueScheduler one = new QueueScheduler(List.of(busy), BatchPolicy.oneRequestPerCall(),
                InferenceObserver.NONE, timers);
        submit(one, request("first", 1), 1);
        HeldInstance.Execution first = busy.next();
        CompletableFuture<InferenceResponse> queued = submit(one, pooled("q", pool, 0), 1);
        queued.cancel(false);
        assertThat(waitFor(() -> pool.idleBytes() == 1 << 20, 5000)).as("a cancelled queued request").isTrue();
        first.succeed();
    }

    @Test
    void aModelIsStuckOnlyWhileEveryInstanceMadeNoProgressForTheLimit() throws Exception {
        long limit = TimeUnit.MILLISECONDS.toNanos(300);
        HeldInstance first = new HeldInstance();
        HeldInstance second = new HeldInstance();
        QueueScheduler scheduler = new QueueScheduler(List.of(first, second), BatchPolicy.oneRequestPerCall(),
                InferenceObserver.NONE, timers);
        assertThat(scheduler.allInstancesStuck(limit)).as("idle").isFalse();
        submit(scheduler, request("a", 1), 1);
        HeldInstance.Execution onFirst = first.next();
        assertThat(waitFor(() -> scheduler.allInstancesStuck(limit), 1000)).as("one instance still idle").isFalse();
        submit(scheduler, request("b", 1), 1);
        HeldInstance.Execution onSecond = second.next();
        assertThat(scheduler.allInstancesStuck(limit)).as("just started").isFalse();
        assertThat(waitFor(() -> scheduler.allInstancesStuck(limit), 5000)).as("both past the limit").isTrue();
        // A response is progress: the instance that answered is not stuck for another limit.
        ScheduledRequest answering = onSecond.batch().get(0);
        answering.send(new InferenceResponse("m", "1", "b", Map.of(), List.of()), false);
        assertThat(scheduler.allInstancesStuck(limit)).isFalse();
        assertThat(waitFor(() -> scheduler.allInstancesStuck(limit), 5000)).isTrue();
        // One execute() returns: the model is no longer stuck.
        onFirst.succeed();
        assertThat(waitFor(() -> !scheduler.allInstancesStuck(limit), 5000)).isTrue();
        onSecond.succeed();
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @Test
    void theInstanceThatJustFinishedTakesTheNextRequestUnlessItCannotRunNow() throws Exception {
        HeldInstance first = new HeldInstance();
        HeldInstance second = new HeldInstance();
        QueueScheduler scheduler = new QueueScheduler(List.of(first, second), BatchPolicy.oneRequestPerCall(),
                InferenceObserver.NONE, timers);
        // One request at a time: the same (warm) instance serves them all, the other stays asleep.
        for (String id : List.of("a", "b", "c")) {
            CompletableFuture<InferenceResponse> answer = submit(scheduler, request(id, 1), 1);
            first.next().succeed();
            assertThat(answer.get(5, TimeUnit.SECONDS).id()).isEqualTo(id);
        }
        assertThat(second.executions).isEmpty();
        // An instance that could not start at once (its stub is being restarted) goes behind the others.
        first.runsNow = false;
        submit(scheduler, request("d", 1), 1);
        first.next().succeed();
        submit(scheduler, request("e", 1), 1);
        HeldInstance.Execution onSecond = second.next();
        assertThat(ids(onSecond)).containsExactly("e");
        onSecond.succeed();
        assertThat(first.executions).isEmpty();
    }

    /** Counts requests entering and leaving the queue (the pending-request gauge's view). */
    private static final class QueueCounter implements InferenceObserver {
        final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger dequeued = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void queued() {
            queued.incrementAndGet();
        }

        @Override
        public void dequeued() {
            dequeued.incrementAndGet();
        }

        @Override
        public void executed(int batchSize, long in, long infer, long out) {
        }

        @Override
        public void succeeded(int batchSize, long requestNanos, long queueNanos, long in, long infer, long out) {
        }

        @Override
        public void failed(FailureReason reason, long requestNanos) {
        }
    }

    /** Two instances that take a second batch while busy, and the answers to requests submitted in order. */
    private record TwoQueueing(HeldInstance first, HeldInstance second, QueueCounter counter,
                               List<CompletableFuture<InferenceResponse>> answers) {
        /**
         * The first four requests' executions: idle instances first, then each busy one takes one more, the one
         * that started first first.
         */
        List<HeldInstance.Execution> firstFour() throws InterruptedException {
            List<HeldInstance.Execution> runs = List.of(first.next(), second.next(), first.next(), second.next());
            assertThat(runs.stream().map(QueueSchedulerTest::ids).toList()).containsExactly(
                    List.of("a"), List.of("b"), List.of("c"), List.of("d"));
            return runs;
        }
    }

    private TwoQueueing twoQueueingInstancesGiven(String... ids) {
        HeldInstance first = new HeldInstance();
        HeldInstance second = new HeldInstance();
        first.queuesNext = true;
        second.queuesNext = true;
        QueueCounter counter = new QueueCounter();
        QueueScheduler scheduler = new QueueScheduler(List.of(first, second), BatchPolicy.oneRequestPerCall(),
                counter, timers);
        List<CompletableFuture<InferenceResponse>> answers = new ArrayList<>();
        for (String id : ids) {
            answers.add(submit(scheduler, request(id, 1), 1));
        }
        return new TwoQueueing(first, second, counter, answers);
    }

    @Test
    void anInstanceThatQueuesTakesASecondBatchOnlyWhenNoneIsIdleAndItCountsAsQueuedUntilItStarts() throws Exception {
        TwoQueueing setup = twoQueueingInstancesGiven("a", "b", "c", "d", "e");
        HeldInstance first = setup.first();
        HeldInstance second = setup.second();
        QueueCounter counter = setup.counter();
        List<CompletableFuture<InferenceResponse>> answers = setup.answers();
        List<HeldInstance.Execution> runs = setup.firstFour();
        HeldInstance.Execution a = runs.get(0);
        HeldInstance.Execution b = runs.get(1);
        HeldInstance.Execution c = runs.get(2);
        HeldInstance.Execution d = runs.get(3);
        assertThat(first.executions.poll(100, TimeUnit.MILLISECONDS)).as("two batches per instance at most").isNull();
        assertThat(second.executions).isEmpty();
        assertThat(counter.dequeued.get()).as("c and d wait in their instances, still counted as queued").isEqualTo(2);

        a.succeed();
        assertThat(answers.get(0).get(5, TimeUnit.SECONDS).id()).isEqualTo("a");
        assertThat(counter.dequeued.get()).as("c started as a returned").isEqualTo(3);
        HeldInstance.Execution e = first.next();
        assertThat(ids(e)).containsExactly("e");
        for (HeldInstance.Execution execution : List.of(b, c, d, e)) {
            execution.succeed();
        }
        for (CompletableFuture<InferenceResponse> answer : answers) {
            assertThat(answer.get(5, TimeUnit.SECONDS)).isNotNull();
        }
        assertThat(counter.dequeued.get()).isEqualTo(5);
    }

    @Test
    void aBatchGivenBackBeforeItStartedRunsOnTheNextFreeInstanceAndIsCountedOnce() throws Exception {
        TwoQueueing setup = twoQueueingInstancesGiven("a", "b", "c", "d");
        HeldInstance first = setup.first();
        HeldInstance second = setup.second();
        QueueCounter counter = setup.counter();
        List<CompletableFuture<InferenceResponse>> answers = setup.answers();
        List<HeldInstance.Execution> runs = setup.firstFour();
        HeldInstance.Execution a = runs.get(0);
        HeldInstance.Execution b = runs.get(1);
        HeldInstance.Execution c = runs.get(2);
        HeldInstance.Execution d = runs.get(3);

        // The first instance's process dies: c, waiting in it, is given back (a fails a moment later).
        first.queuesNext = false;
        c.result().completeExceptionally(new BatchNotStarted("m_0"));
        assertThat(answers.get(2)).as("c is not answered: it waits in the queue again").isNotDone();
        assertThat(counter.dequeued.get()).as("only a and b started").isEqualTo(2);

        // The healthy instance finishes b, starts d, and takes c from the queue's head to run next.
        b.succeed();
        HeldInstance.Execution again = second.next();
        assertThat(ids(again)).containsExactly("c");
        a.result().completeExceptionally(TritonException.internal("Stub process 'm_0' is not healthy."));
        d.succeed();
        again.succeed();
        assertThat(answers.get(2).get(5, TimeUnit.SECONDS).id()).isEqualTo("c");
        assertThat(answers.get(3).get(5, TimeUnit.SECONDS).id()).isEqualTo("d");
        assertThatThrownBy(() -> answers.get(0).get(5, TimeUnit.SECONDS)).hasMessageContaining("not healthy");
        assertThat(first.executions).isEmpty();
        assertThat(counter.queued.get()).as("queued once each").isEqualTo(4);
        assertThat(counter.dequeued.get()).isEqualTo(4);
    }

    @Test
    void noSecondBatchWithDynamicBatchingOrForAnInstanceThatStoppedQueueing() throws Exception {
        HeldInstance batching = new HeldInstance();
        batching.queuesNext = true;
        QueueScheduler dynamic = new QueueScheduler(List.of(batching), dynamic(1, List.of(), 0),
                InferenceObserver.NONE, timers);
        submit(dynamic, request("a", 1, 1), 1);
        submit(dynamic, request("b", 1, 1), 1);
        HeldInstance.Execution a = batching.next();
        assertThat(batching.executions.poll(100, TimeUnit.MILLISECONDS)).as("dynamic batching: one at a time").isNull();
        a.succeed();
        batching.next().succeed();

        HeldInstance calling = new HeldInstance();
        calling.queuesNext = true;
        QueueScheduler plain = new QueueScheduler(List.of(calling), BatchPolicy.oneRequestPerCall(),
                InferenceObserver.NONE, timers);
        submit(plain, request("c", 1), 1);
        HeldInstance.Execution c = calling.next();
        calling.queuesNext = false; // its batch now waits on a BLS call, say
        submit(plain, request("d", 1), 1);
        assertThat(calling.executions.poll(100, TimeUnit.MILLISECONDS)).isNull();
        c.succeed();
        assertThat(ids(calling.next())).containsExactly("d");
    }

    @Test
    void defaultSchedulerRunsOneRequestPerCallOnEachIdleInstance() throws Exception {
        HeldInstance first = new HeldInstance();
        HeldInstance second = new HeldInstance();
        QueueScheduler scheduler = new QueueScheduler(List.of(first, second), BatchPolicy.oneRequestPerCall(),
                InferenceObserver.NONE, timers);
        CompletableFuture<InferenceResponse> a = submit(scheduler, request("a", 1), 1);
        CompletableFuture<InferenceResponse> b = submit(scheduler, request("b", 1), 1);
        CompletableFuture<InferenceResponse> c = submit(scheduler, request("c", 1), 1);
        HeldInstance.Execution onFirst = first.next();
        HeldInstance.Execution onSecond = second.next();
        assertThat(ids(onFirst)).containsExactly("a");
        assertThat(ids(onSecond)).containsExactly("b");
        assertThat(first.executions).isEmpty();
        onFirst.succeed();
        assertThat(a.get().id()).isEqualTo("a");
        // The freed instance takes the next request in arrival order.
        HeldInstance.Execution third = first.next();
        assertThat(ids(third)).containsExactly("c");
        third.succeed();
        onSecond.succeed();
        assertThat(b.get().id()).isEqualTo("b");
        assertThat(c.get().id()).isEqualTo("c");
    }

    @Test
    void preferredSizeIsSentWithoutWaitingForTheDelay() throws Exception {
        HeldInstance instance = new HeldInstance();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), dynamic(8, List.of(4), 60_000_000),
                InferenceObserver.NONE, timers);
        // The first three wait (the delay is a minute); the fourth makes the preferred size: all four go.
        for (String id : List.of("a", "b", "c")) {
            submit(scheduler, request(id, 1, 1), 1);
        }
        assertThat(instance.executions.poll(200, TimeUnit.MILLISECONDS)).isNull();
        submit(scheduler, request("d", 1, 1), 1);
        submit(scheduler, request("e", 1, 1), 1);
        HeldInstance.Execution batch = instance.next();
        assertThat(ids(batch)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void maxBatchSizeAndShapesBoundABatch() throws Exception {
        HeldInstance instance = new HeldInstance();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), dynamic(4, List.of(), 0),
                InferenceObserver.NONE, timers);
        submit(scheduler, request("busy", 1, 1), 1);
        HeldInstance.Execution busy = instance.next();
        submit(scheduler, request("a", 2, 3), 2);
        submit(scheduler, request("b", 1, 3), 1);
        submit(scheduler, request("c", 2, 3), 2);   // would exceed 4
        submit(scheduler, request("d", 1, 5), 1);
        busy.succeed();
        HeldInstance.Execution first = instance.next();
        assertThat(ids(first)).containsExactly("a", "b");
        first.succeed();
        // "d" has another item shape: it cannot join "c".
        HeldInstance.Execution second = instance.next();
        assertThat(ids(second)).containsExactly("c");
        second.succeed();
        assertThat(ids(instance.next())).containsExactly("d");
    }

    @Test
    void aPartialBatchLeavesWhenTheOldestHasWaitedTheDelay() throws Exception {
        HeldInstance instance = new HeldInstance();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), dynamic(8, List.of(8), 200_000),
                InferenceObserver.NONE, timers);
        long started = System.nanoTime();
        submit(scheduler, request("a", 1, 1), 1);
        submit(scheduler, request("b", 1, 1), 1);
        HeldInstance.Execution batch = instance.next();
        assertThat(ids(batch)).containsExactly("a", "b");
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(150_000_000L);
    }

    @Test
    void fullQueueRejectsWithUnavailable() throws Exception {
        HeldInstance instance = new HeldInstance();
        BatchPolicy policy = new BatchPolicy(Integer.MAX_VALUE, 1, List.of(), 0, 1, 0, false, true, Set.of(), true);
        List<FailureReason> failures = new ArrayList<>();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), policy, recording(failures), timers);
        submit(scheduler, request("busy", 1, 1), 1);
        instance.next();
        submit(scheduler, request("queued", 1, 1), 1);
        CompletableFuture<InferenceResponse> rejected = submit(scheduler, request("rejected", 1, 1), 1);
        assertThatThrownBy(rejected::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TritonException.class).hasRootCauseMessage("Exceeds maximum queue size");
        assertThat(failures).containsExactly(FailureReason.REJECTED);
    }

    @Test
    void requestTimeoutCancelsAQueuedRequestAndAnswersARunningOne() throws Exception {
        HeldInstance instance = new HeldInstance();
        List<FailureReason> failures = new ArrayList<>();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(),
                recording(failures), timers);
        CompletableFuture<InferenceResponse> runningAnswer = submit(scheduler, timed("running", 100_000), 1);
        HeldInstance.Execution running = instance.next();
        CompletableFuture<InferenceResponse> queued = submit(scheduler, timed("queued", 100_000), 1);
        assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("Request timeout expired");
        // The running request is answered at its deadline although execute() has not returned, and its
        // model sees is_cancelled() turn true.
        assertThatThrownBy(() -> runningAnswer.get(5, TimeUnit.SECONDS))
                .hasRootCauseMessage("Request timeout expired");
        assertThat(running.cancelled(0)).isTrue();
        assertThat(((TritonException) rootCause(queued)).code()).isEqualTo(TritonCode.CANCELLED);
        assertThat(((TritonException) rootCause(runningAnswer)).code()).isEqualTo(TritonCode.CANCELLED);
        assertThat(failures).containsExactly(FailureReason.CANCELED, FailureReason.CANCELED);
    }

    @Test
    void aCancelledFutureTakesItsRequestOffTheQueueAndTellsTheRunningModel() throws Exception {
        HeldInstance instance = new HeldInstance();
        List<FailureReason> failures = new ArrayList<>();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(),
                recording(failures), timers);
        CompletableFuture<InferenceResponse> running = submit(scheduler, request("running", 1), 1);
        HeldInstance.Execution execution = instance.next();
        CompletableFuture<InferenceResponse> queued = submit(scheduler, request("queued", 1), 1);
        queued.cancel(false);
        assertThat(failures).containsExactly(FailureReason.CANCELED);
        running.cancel(false);
        assertThat(execution.cancelled(0)).isTrue();
        execution.succeed();
        // The dropped request never reaches the model.
        submit(scheduler, request("after", 1), 1);
        assertThat(ids(instance.next())).containsExactly("after");
    }

    private static Throwable rootCause(CompletableFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void responsesSentAfterExecuteReturnedReachTheSinkAndAreCountedByIndex() throws Exception {
        HeldInstance instance = new HeldInstance();
        ModelStatistics statistics = new ModelStatistics();
        QueueScheduler scheduler = new QueueScheduler(List.of(instance), BatchPolicy.oneRequestPerCall(),
                statistics, timers);
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        ResponseSink sink = new ResponseSink() {
            @Override
            public void send(InferenceResponse response, boolean isFinal) {
                received.add((response == null ? "empty" : response.id()) + (isFinal ? "/final" : ""));
            }

            @Override
            public void fail(TritonException error, boolean isFinal) {
                received.add(error.getMessage() + (isFinal ? "/final" : ""));
            }
        };
        scheduler.submit(request("a", 1), 1, sink);
        HeldInstance.Execution execution = instance.next();
        ScheduledRequest running = execution.batch().get(0);
        // execute() returns before any response (a decoupled model): the instance is free for the next request.
        execution.result().complete(new ExecutionTimes(1, 2, 3));
        submit(scheduler, request("b", 1), 1);
        instance.next().succeed();
        InferenceResponse part = new InferenceResponse("m", "1", "a", Map.of(), List.of());
        assertThat(running.send(part, false)).isTrue();
        assertThat(running.fail(new TritonException(TritonCode.INVALID_ARG, "bad part"), false)).isTrue();
        assertThat(running.send(null, true)).isTrue();
        assertThat(running.send(part, true)).as("nothing after the final response").isFalse();
        assertThat(received).containsExactly("a", "bad part", "empty/final");
        ModelStatistics.Snapshot snapshot = statistics.snapshot();
        assertThat(snapshot.success().count()).isEqualTo(2);
        assertThat(snapshot.responseStats()).extracting(ModelStatistics.ResponseStats::index).containsExactly(0, 1, 2);
        assertThat(snapshot.responseStats().get(0).success().count()).isEqualTo(2);
        assertThat(snapshot.responseStats().get(1).fail().count()).isEqualTo(1);
        assertThat(snapshot.responseStats().get(2).emptyResponse().count()).isEqualTo(1);
    }

    private static InferenceObserver recording(List<FailureReason> failures) {
        return new InferenceObserver() {
            @Override
            public void queued() {
            }

            @Override
            public void dequeued() {
            }

            @Override
            public void executed(int batchSize, long in, long infer, long out) {
            }

            @Override
            public void succeeded(int batchSize, long requestNanos, long queueNanos, long in, long infer, long out) {
            }

            @Override
            public synchronized void failed(FailureReason reason, long requestNanos) {
                failures.add(reason);
            }
        };
    }
}
