package dev.jepserve.inference;

/**
 * A response sink that also wants the request's queue and compute times once its success is counted: an
 * ensemble adds its steps' times to its own, as Triton's ensemble statistics do.
 */
public interface StepTimesListener {
    /** Called once, after the request's success was counted in its model's statistics. */
    void counted(long queueNanos, ExecutionTimes times);
}
