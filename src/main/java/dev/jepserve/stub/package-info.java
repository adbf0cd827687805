/**
 * Stub processes: each model instance in a child process (this jar's {@link dev.jepserve.stub.StubMain})
 * embedding CPython through Jep, driven over a Unix domain socket with the messages of {@code stub.proto};
 * a watchdog per model finds dead, silent and hung stubs, and each instance's supervisor restarts its stub.
 */
package dev.jepserve.stub;
