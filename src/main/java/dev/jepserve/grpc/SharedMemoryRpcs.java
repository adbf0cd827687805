package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.CudaSharedMemoryRegisterResponse;
import dev.jepserve.grpc.proto.CudaSharedMemoryStatusResponse;
import dev.jepserve.grpc.proto.CudaSharedMemoryUnregisterResponse;
import dev.jepserve.grpc.proto.SystemSharedMemoryRegisterResponse;
import dev.jepserve.grpc.proto.SystemSharedMemoryStatusResponse;
import dev.jepserve.grpc.proto.SystemSharedMemoryUnregisterResponse;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

/**
 * The system and CUDA shared-memory RPCs of a server that registers no regions, answered as HTTP answers them:
 * status lists none (a named region is not found), unregister has nothing to do, register is refused.
 */
final class SharedMemoryRpcs {
    SystemSharedMemoryStatusResponse systemStatus(String region) {
        requireNoRegion("system", region);
        return SystemSharedMemoryStatusResponse.getDefaultInstance();
    }

    SystemSharedMemoryRegisterResponse systemRegister(String region) {
        throw new TritonException(TritonCode.UNSUPPORTED, "failed to register system shared memory region: '"
                + region + "', shared memory is not supported by this server");
    }

    SystemSharedMemoryUnregisterResponse systemUnregister() {
        return SystemSharedMemoryUnregisterResponse.getDefaultInstance();
    }

    CudaSharedMemoryStatusResponse cudaStatus(String region) {
        requireNoRegion("cuda", region);
        return CudaSharedMemoryStatusResponse.getDefaultInstance();
    }

    CudaSharedMemoryRegisterResponse cudaRegister(String region) {
        throw TritonException.invalidArg("failed to register CUDA shared memory region: '" + region
                + "', GPUs not supported");
    }

    CudaSharedMemoryUnregisterResponse cudaUnregister() {
        return CudaSharedMemoryUnregisterResponse.getDefaultInstance();
    }

    private static void requireNoRegion(String kind, String region) {
        if (!region.isEmpty()) {
            throw TritonException.notFound("Unable to find " + kind + " shared memory region: '" + region + "'");
        }
    }
}
