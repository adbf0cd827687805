package dev.jepserve.python.border;

import java.util.List;

/**
 * One execute() call: the requests, and the handle under which the Python side reports that execute
 * returned (at once for a plain execute, later for an async one).
 */
public record BatchMessage(long batch, List<RequestMessage> requests) {
}
