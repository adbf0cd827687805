package dev.jepserve.inference;

/** The answer to one request: exactly one of response and error is set. */
public record RequestOutcome(InferenceResponse response, TritonException error) {

    public static RequestOutcome success(InferenceResponse response) {
        return new RequestOutcome(response, null);
    }

    public static RequestOutcome failure(TritonException error) {
        return new RequestOutcome(null, error);
    }

    public boolean succeeded() {
        return error == null;
    }
}
