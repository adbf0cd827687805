package dev.jepserve.stub;

/** A tensor does not fit in a shared-memory region, even grown to its limit; the message is Triton's text. */
final class RegionFullException extends Exception {
    RegionFullException(String message) {
        super(message);
    }
}
