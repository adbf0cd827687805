package dev.jepserve.inference;

/** The one exception type that carries a Triton error code; protocol layers turn it into their status. */
public class TritonException extends RuntimeException {
    private final TritonCode code;

    public TritonException(TritonCode code, String message) {
        super(message);
        this.code = code;
    }

    public TritonException(TritonCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public TritonCode code() {
        return code;
    }

    public static TritonException invalidArg(String message) {
        return new TritonException(TritonCode.INVALID_ARG, message);
    }

    public static TritonException internal(String message) {
        return new TritonException(TritonCode.INTERNAL, message);
    }

    public static TritonException notFound(String message) {
        return new TritonException(TritonCode.NOT_FOUND, message);
    }

    public static TritonException unavailable(String message) {
        return new TritonException(TritonCode.UNAVAILABLE, message);
    }
}
