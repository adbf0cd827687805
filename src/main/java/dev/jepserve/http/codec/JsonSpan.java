package dev.jepserve.http.codec;

/**
 * Where one input's {@code data} array lies in the JSON header: its bytes from the opening {@code [} to the
 * closing {@code ]}, relative to the start of the header.
 */
record JsonSpan(int offset, int length) {
}
