package dev.jepserve.inference;

/**
 * One line of the model repository index (the repository extension's index, HTTP and gRPC alike).
 *
 * @param name    the model name
 * @param version the version number as text, or "" for a model without known versions
 * @param state   READY, UNAVAILABLE, LOADING, UNLOADING or UNKNOWN; "" when the model has no versions
 * @param reason  why the version is not READY; "" when there is nothing to say
 */
public record RepositoryIndexEntry(String name, String version, String state, String reason) {
}
