package dev.jepserve.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.inference.InputBufferPool;
import dev.jepserve.inference.InputMemory;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Parses ModelInferRequest with one copy of its bytes: the transport's buffers are copied once into a direct
 * buffer the request owns, and {@code raw_input_contents} are views of it (protobuf aliasing), so tensors reach
 * an in-process model's numpy or a stub's input region without another copy. grpc-java's own marshaller reads
 * the message into a scratch array and then copies every bytes field out of it again.
 *
 * <p>The buffer comes from the server's {@link InputBufferPool}; the handler that receives the message claims it
 * ({@link #claim}) for the request, whose scheduler gives it back. grpc-java parses a message and hands it to
 * the handler on one thread, one right after the other, so the claim goes through a thread-local.
 */
final class InferRequestMarshaller implements MethodDescriptor.PrototypeMarshaller<ModelInferRequest>,
        ParsedMessageMemory {
    private final MethodDescriptor.Marshaller<ModelInferRequest> standard =
            ProtoUtils.marshaller(ModelInferRequest.getDefaultInstance());
    private final InputBufferPool buffers;
    /** The message this thread parsed last and its memory, until the handler claims it. */
    private final ThreadLocal<Parsed> lastParsed = new ThreadLocal<>();

    private record Parsed(ModelInferRequest message, InputMemory memory) {
    }

    InferRequestMarshaller(InputBufferPool buffers) {
        this.buffers = buffers;
    }

    @Override
    public InputMemory claim(ModelInferRequest message) {
        Parsed parsed = lastParsed.get();
        if (parsed == null || parsed.message() != message) {
            return InputMemory.NONE;
        }
        lastParsed.remove();
        return parsed.memory();
    }

    /** The service with this marshaller for every method that takes a ModelInferRequest. */
    @SuppressWarnings("unchecked")
    ServerServiceDefinition rebind(ServerServiceDefinition service) {
        ServiceDescriptor descriptor = service.getServiceDescriptor();
        ServiceDescriptor.Builder rebuilt = ServiceDescriptor.newBuilder(descriptor.getName())
                .setSchemaDescriptor(descriptor.getSchemaDescriptor());
        java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            MethodDescriptor<?, ?> original = method.getMethodDescriptor();
            if (original.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> prototype
                    && prototype.getMessagePrototype() instanceof ModelInferRequest) {
                methods.add(withOwnMarshaller((ServerMethodDefinition<ModelInferRequest, Object>) method));
            } else {
                methods.add(method);
            }
        }
        methods.forEach(method -> rebuilt.addMethod(method.getMethodDescriptor()));
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(rebuilt.build());
        methods.forEach(definition::addMethod);
        return definition.build();
    }

    private <R> ServerMethodDefinition<ModelInferRequest, R> withOwnMarshaller(
            ServerMethodDefinition<ModelInferRequest, R> method) {
        MethodDescriptor<ModelInferRequest, R> original = method.getMethodDescriptor();
        MethodDescriptor<ModelInferRequest, R> descriptor = original.toBuilder(this, original.getResponseMarshaller())
                .build();
        return ServerMethodDefinition.create(descriptor, method.getServerCallHandler());
    }

    @Override
    public InputStream stream(ModelInferRequest value) {
        return standard.stream(value);
    }

    @Override
    public ModelInferRequest getMessagePrototype() {
        return ModelInferRequest.getDefaultInstance();
    }

    @Override
    public Class<ModelInferRequest> getMessageClass() {
        return ModelInferRequest.class;
    }

    @Override
    public ModelInferRequest parse(InputStream stream) {
        try {
            if (!(stream instanceof KnownLength)) {
                return standard.parse(stream);
            }
            int size = stream.available();
            if (size == 0) {
                return ModelInferRequest.getDefaultInstance();
            }
            lastParsed.remove();
            InputMemory memory = buffers.lease(size);
            ByteBuffer bytes = memory.buffer();
            copy(stream, bytes);
            bytes.flip();
            // Aliasing: bytes fields are slices of `bytes`, which nothing else writes.
            CodedInputStream input = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            input.enableAliasing(true);
            input.setSizeLimit(Integer.MAX_VALUE);
            ModelInferRequest message = ModelInferRequest.parser().parseFrom(input);
            input.checkLastTagWas(0);
            lastParsed.set(new Parsed(message, memory));
            return message;
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("Failed to read the request").withCause(e).asRuntimeException();
        }
    }

    /** Every remaining byte of the stream into {@code target}, from the transport's own buffers where it can. */
    private static void copy(InputStream stream, ByteBuffer target) throws IOException {
        if (stream instanceof HasByteBuffer buffers && buffers.byteBufferSupported()) {
            while (target.hasRemaining() && stream.available() > 0) {
                ByteBuffer chunk = buffers.getByteBuffer();
                if (chunk == null) {
                    break;
                }
                int length = Math.min(chunk.remaining(), target.remaining());
                target.put(chunk.limit(chunk.position() + length));
                stream.skipNBytes(length);
            }
        }
        byte[] scratch = new byte[Math.min(target.remaining(), 64 * 1024)];
        while (target.hasRemaining()) {
            int read = stream.read(scratch, 0, Math.min(scratch.length, target.remaining()));
            if (read < 0) {
                throw new IOException("the request ended early");
            }
            target.put(scratch, 0, read);
        }
    }
}
