package dev.jepserve.repository;

/** A model version's state, with Triton's names (repository index, start-up table). */
public enum ModelState {
    UNKNOWN,
    READY,
    UNAVAILABLE,
    LOADING,
    UNLOADING
}
