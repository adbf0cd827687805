package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.inference.InputMemory;

/** Where a received ModelInferRequest's bytes live, for the request built from it to give back. */
interface ParsedMessageMemory {
    /** For messages parsed into memory nobody gives back. */
    ParsedMessageMemory NONE = message -> InputMemory.NONE;

    /** The memory of this message, just parsed on this thread; {@link InputMemory#NONE} when unknown. */
    InputMemory claim(ModelInferRequest message);
}
