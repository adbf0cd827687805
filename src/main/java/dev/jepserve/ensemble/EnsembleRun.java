package dev.jepserve.ensemble;

import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.StepTimesListener;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ensemble request's data flow. A <em>wave</em> holds the ensemble tensors known so far and the steps it
 * started; a step starts as soon as all its inputs are in its wave, so independent steps run at the same time
 * (fan-out) and a step that needs several steps' outputs waits for all of them (join). Each response of a
 * decoupled step starts a new wave (a copy of its wave plus that response's outputs), the way Triton keeps
 * each response of a decoupled step apart; an ensemble with a decoupled step answers once per wave that holds
 * every requested output, then with an empty final response. A non-decoupled ensemble answers once, when no
 * step is running any more. The first error of a step fails the request, and the other steps are cancelled.
 */
final class EnsembleRun {
    private final String name;
    private final String version;
    private final EnsembleGraph graph;
    private final InferenceService service;
    private final ScheduledRequest request;
    private final List<String> wanted;
    private final Object lock = new Object();
    /** Steps started and not yet finally answered, plus one while the run is being started. */
    private final AtomicInteger outstanding = new AtomicInteger();
    /** Steps submitted whose times have not been counted yet: the answer waits for them (statistics). */
    private final AtomicInteger uncounted = new AtomicInteger();
    private final AtomicBoolean completed = new AtomicBoolean();
    private final List<RequestHandle> running = new ArrayList<>();
    private final Wave root = new Wave(new HashMap<>(), new HashSet<>());
    private volatile boolean failed;

    /** Guarded by the run's lock. */
    private static final class Wave {
        private final Map<String, Tensor> tensors;
        private final Set<Integer> started;
        /** A decoupled ensemble's response for this wave went out. */
        private boolean answered;

        Wave(Map<String, Tensor> tensors, Set<Integer> started) {
            this.tensors = tensors;
            this.started = started;
        }

        Map<String, Tensor> tensors() {
            return tensors;
        }

        Set<Integer> started() {
            return started;
        }

        Wave branch() {
            return new Wave(new HashMap<>(tensors), new HashSet<>(started));
        }
    }

    private record Launch(EnsembleGraph.Step step, List<Tensor> inputs, Wave wave) {
    }

    EnsembleRun(String name, String version, EnsembleGraph graph, InferenceService service, ScheduledRequest request) {
        this.name = name;
        this.version = version;
        this.graph = graph;
        this.service = service;
        this.request = request;
        List<String> requested = request.request().requestedOutputs();
        this.wanted = requested.isEmpty() ? graph.outputs()
                : graph.outputs().stream().filter(requested::contains).toList();
    }

    void start() {
        outstanding.incrementAndGet();
        synchronized (lock) {
            for (Tensor input : request.request().inputs()) {
                root.tensors().put(input.name(), input);
            }
        }
        advance(root);
        finishOne();
    }

    /** Starts every step of the wave whose inputs are all there; answers a decoupled ensemble's complete wave. */
    private void advance(Wave wave) {
        List<Launch> launches = new ArrayList<>();
        InferenceResponse streamed = null;
        synchronized (lock) {
            if (failed) {
                return;
            }
            for (EnsembleGraph.Step step : graph.steps()) {
                if (!wave.started().contains(step.index()) && wave.tensors().keySet().containsAll(step.inputs().values())) {
                    wave.started().add(step.index());
                    List<Tensor> inputs = new ArrayList<>();
                    step.inputs().forEach((stepInput, tensor) -> inputs.add(renamed(wave.tensors().get(tensor), stepInput)));
                    launches.add(new Launch(step, inputs, wave));
                    outstanding.incrementAndGet();
                }
            }
            if (graph.decoupled() && !wave.answered && wave.tensors().keySet().containsAll(wanted)) {
                wave.answered = true;
                streamed = response(wave);
            }
        }
        if (streamed != null) {
            request.send(streamed, false);
        }
        for (Launch launch : launches) {
            launch(launch);
        }
    }

    private void launch(Launch launch) {
        EnsembleGraph.Step step = launch.step();
        if (request.isCancelled()) {
            fail(new TritonException(TritonCode.CANCELLED, "request cancelled"));
            finishOne();
            return;
        }
        ServedModel model;
        try {
            if (service == null) {
                throw TritonException.unavailable("Server not ready");
            }
            model = service.model(step.modelName(), step.modelVersion());
        } catch (TritonException e) {
            fail(new TritonException(e.code(), "in ensemble " + name + ", step " + step.index() + ": "
                    + e.getMessage()));
            finishOne();
            return;
        }
        InferenceRequest original = request.request();
        InferenceRequest stepRequest = new InferenceRequest(step.modelName(), model.version(), original.id(),
                original.correlationId(), original.flags(), 0, original.parameters(), launch.inputs(),
                List.copyOf(step.outputs().keySet()));
        uncounted.incrementAndGet();
        RequestHandle handle = model.infer(stepRequest, new StepAnswers(step, launch.wave(), model.isDecoupled()));
        synchronized (lock) {
            running.add(handle);
        }
        if (failed) {
            handle.cancel();
        }
    }

    /**
     * The answers of one step request, and its times once counted: they are added to the ensemble request's
     * own (Triton's ensemble statistics hold the sum of its steps' queue and compute times).
     */
    private final class StepAnswers implements ResponseSink, StepTimesListener {
        private final EnsembleGraph.Step step;
        private final Wave wave;
        private final boolean decoupled;

        StepAnswers(EnsembleGraph.Step step, Wave wave, boolean decoupled) {
            this.step = step;
            this.wave = wave;
            this.decoupled = decoupled;
        }

        @Override
        public void send(InferenceResponse response, boolean isFinal) {
            if (request.isCancelled()) {
                EnsembleRun.this.fail(new TritonException(TritonCode.CANCELLED, "request cancelled"));
            }
            if (response != null && !failed) {
                Wave target;
                synchronized (lock) {
                    target = decoupled ? wave.branch() : wave;
                    for (Tensor output : response.outputs()) {
                        String tensor = step.outputs().get(output.name());
                        if (tensor != null) {
                            target.tensors().put(tensor, renamed(output, tensor));
                        }
                    }
                }
                advance(target);
            }
            if (isFinal) {
                finishOne();
            }
        }

        @Override
        public void fail(TritonException error, boolean isFinal) {
            EnsembleRun.this.fail(error);
            if (isFinal) {
                uncounted.decrementAndGet(); // a failed step's times are not counted
                finishOne();
            }
        }

        @Override
        public void counted(long queueNanos, ExecutionTimes times) {
            request.addComposingTimes(queueNanos, times);
            uncounted.decrementAndGet();
            complete();
        }
    }

    private void finishOne() {
        outstanding.decrementAndGet();
        complete();
    }

    /** Answers once no step runs and every step's times are in. */
    private void complete() {
        if (outstanding.get() != 0 || uncounted.get() != 0 || failed || !completed.compareAndSet(false, true)) {
            return;
        }
        if (graph.decoupled()) {
            request.send(null, true);
            return;
        }
        InferenceResponse answer;
        synchronized (lock) {
            answer = root.tensors().keySet().containsAll(wanted) ? response(root) : null;
        }
        if (answer != null) {
            request.send(answer, true);
        } else {
            request.fail(TritonException.internal("in ensemble " + name + ", the steps did not produce every "
                    + "requested output"), true);
        }
    }

    /** The first error wins: the request fails with it and the steps still running are cancelled. */
    private void fail(TritonException error) {
        List<RequestHandle> toCancel;
        synchronized (lock) {
            if (failed) {
                return;
            }
            failed = true;
            toCancel = new ArrayList<>(running);
        }
        request.fail(error, true);
        toCancel.forEach(RequestHandle::cancel);
    }

    private InferenceResponse response(Wave wave) {
        List<Tensor> outputs = new ArrayList<>(wanted.size());
        for (String output : wanted) {
            outputs.add(wave.tensors().get(output));
        }
        return new InferenceResponse(name, version, request.request().id(), Map.of(), outputs);
    }

    private static Tensor renamed(Tensor tensor, String name) {
        return tensor.name().equals(name) ? tensor : new Tensor(name, tensor.dataType(), tensor.shape(), tensor.data());
    }
}
