package dev.jepserve.stub;

import java.nio.file.Path;

/**
 * How to start a stub process: this JVM's java executable and this jar (the stub runs the same code), the
 * Python to embed, and how long a stub may take to connect.
 */
public record StubLaunch(Path java, String classpath, Path python, String jepVersion, long startTimeoutSeconds) {

    /** A stub launched like this server: same java, same class path. */
    public static StubLaunch likeThisProcess(Path python, String jepVersion) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new StubLaunch(java, System.getProperty("java.class.path"), python, jepVersion, 120);
    }
}
