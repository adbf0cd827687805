package dev.jepserve.http.codec;

/**
 * How the client wants one output back.
 *
 * @param name                the output name
 * @param binary              true for the binary tensor extension (raw bytes after the JSON), false for JSON data
 * @param classificationCount the top-k classes to return instead of the tensor; 0 for the tensor itself
 */
public record RequestedOutput(String name, boolean binary, int classificationCount) {
    public boolean isClassification() {
        return classificationCount > 0;
    }
}
