package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.CudaSharedMemoryRegisterRequest;
import dev.jepserve.grpc.proto.CudaSharedMemoryRegisterResponse;
import dev.jepserve.grpc.proto.CudaSharedMemoryStatusRequest;
import dev.jepserve.grpc.proto.CudaSharedMemoryStatusResponse;
import dev.jepserve.grpc.proto.CudaSharedMemoryUnregisterRequest;
import dev.jepserve.grpc.proto.CudaSharedMemoryUnregisterResponse;
import dev.jepserve.grpc.proto.GRPCInferenceServiceGrpc;
import dev.jepserve.grpc.proto.LogSettingsRequest;
import dev.jepserve.grpc.proto.LogSettingsResponse;
import dev.jepserve.grpc.proto.ModelConfigRequest;
import dev.jepserve.grpc.proto.ModelConfigResponse;
import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.grpc.proto.ModelInferResponse;
import dev.jepserve.grpc.proto.ModelMetadataRequest;
import dev.jepserve.grpc.proto.ModelMetadataResponse;
import dev.jepserve.grpc.proto.ModelReadyRequest;
import dev.jepserve.grpc.proto.ModelReadyResponse;
import dev.jepserve.grpc.proto.ModelStatisticsRequest;
import dev.jepserve.grpc.proto.ModelStatisticsResponse;
import dev.jepserve.grpc.proto.ModelStreamInferResponse;
import dev.jepserve.grpc.proto.RepositoryIndexRequest;
import dev.jepserve.grpc.proto.RepositoryIndexResponse;
import dev.jepserve.grpc.proto.RepositoryModelLoadRequest;
import dev.jepserve.grpc.proto.RepositoryModelLoadResponse;
import dev.jepserve.grpc.proto.RepositoryModelUnloadRequest;
import dev.jepserve.grpc.proto.RepositoryModelUnloadResponse;
import dev.jepserve.grpc.proto.ServerLiveRequest;
import dev.jepserve.grpc.proto.ServerLiveResponse;
import dev.jepserve.grpc.proto.ServerMetadataRequest;
import dev.jepserve.grpc.proto.ServerMetadataResponse;
import dev.jepserve.grpc.proto.ServerReadyRequest;
import dev.jepserve.grpc.proto.ServerReadyResponse;
import dev.jepserve.grpc.proto.SystemSharedMemoryRegisterRequest;
import dev.jepserve.grpc.proto.SystemSharedMemoryRegisterResponse;
import dev.jepserve.grpc.proto.SystemSharedMemoryStatusRequest;
import dev.jepserve.grpc.proto.SystemSharedMemoryStatusResponse;
import dev.jepserve.grpc.proto.SystemSharedMemoryUnregisterRequest;
import dev.jepserve.grpc.proto.SystemSharedMemoryUnregisterResponse;
import dev.jepserve.grpc.proto.TraceSettingRequest;
import dev.jepserve.grpc.proto.TraceSettingResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.Tracer;
import dev.jepserve.logging.LogController;
import dev.jepserve.trace.TraceManager;
import io.grpc.stub.StreamObserver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;

/**
 * {@code inference.GRPCInferenceService}: routes every RPC to the class that owns its concern. No logic here
 * beyond turning thrown Triton errors into statuses ({@link UnaryCalls}).
 */
final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceGrpcService.class);

    private final InferenceService service;
    private final Executor executor;
    private final OpenStreams openStreams;
    private final ParsedMessageMemory memory;
    private final HealthAndMetadataRpcs metadata;
    private final ModelInferRpc infer;
    private final StatisticsRpc statistics;
    private final RepositoryRpcs repository;
    private final SharedMemoryRpcs sharedMemory = new SharedMemoryRpcs();
    private final SettingsRpcs settings;
    private final LogSettingsRpc logSettings;
    private final Tracer tracer;

    /**
     * @param executor    where stream responses are encoded and streams drained (the server's gRPC executor)
     * @param answers     where ModelInfer answers are encoded
     * @param openStreams the server's registry of open inference streams
     * @param logs        the server's log settings, for LogSettings
     * @param traces      the trace extension's settings (TraceSetting) and the sampler of ModelInfer calls
     */
    InferenceGrpcService(InferenceService service, Executor executor, AnswerExecutor answers,
                         OpenStreams openStreams, LogController logs, TraceManager traces) {
        this(service, executor, answers, openStreams, logs, traces, ParsedMessageMemory.NONE);
    }

    /** @param memory where received ModelInferRequests' bytes live (the marshaller's pool) */
    InferenceGrpcService(InferenceService service, Executor executor, AnswerExecutor answers,
                         OpenStreams openStreams, LogController logs, TraceManager traces, ParsedMessageMemory memory) {
        this.memory = memory;
        this.service = service;
        this.executor = executor;
        this.openStreams = openStreams;
        this.metadata = new HealthAndMetadataRpcs(service);
        this.infer = new ModelInferRpc(service, answers, traces, memory);
        this.statistics = new StatisticsRpc(service);
        this.repository = new RepositoryRpcs(service);
        this.settings = new SettingsRpcs(service, traces);
        this.tracer = traces;
        this.logSettings = new LogSettingsRpc(logs);
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
        UnaryCalls.answer(observer, metadata::serverLive);
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
        UnaryCalls.answerLater(observer, metadata::serverReady);
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
        UnaryCalls.answerLater(observer, () -> metadata.modelReady(request.getName(), request.getVersion()));
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
        UnaryCalls.answer(observer, metadata::serverMetadata);
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
        UnaryCalls.answer(observer, () -> metadata.modelMetadata(request.getName(), request.getVersion()));
    }

    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> observer) {
        UnaryCalls.answer(observer, () -> metadata.modelConfig(request.getName(), request.getVersion()));
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("gRPC request: ModelInfer for model '{}'", request.getModelName());
        }
        infer.infer(request, observer);
    }

    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> observer) {
        LOG.debug("gRPC request: ModelStreamInfer stream opened");
        return new InferStream(service, observer, executor, openStreams, tracer, memory);
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> observer) {
        UnaryCalls.answer(observer, () -> statistics.statistics(request.getName(), request.getVersion()));
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> observer) {
        UnaryCalls.answer(observer, () -> repository.index(request.getRepositoryName(), request.getReady()));
    }

    @Override
    public void repositoryModelLoad(RepositoryModelLoadRequest request,
                                    StreamObserver<RepositoryModelLoadResponse> observer) {
        UnaryCalls.answerLater(observer, () -> repository.load(request.getRepositoryName(), request.getModelName(),
                request.getParametersMap()));
    }

    @Override
    public void repositoryModelUnload(RepositoryModelUnloadRequest request,
                                      StreamObserver<RepositoryModelUnloadResponse> observer) {
        UnaryCalls.answer(observer, () -> repository.unload(request.getRepositoryName(), request.getModelName(),
                request.getParametersMap()));
    }

    @Override
    public void systemSharedMemoryStatus(SystemSharedMemoryStatusRequest request,
                                         StreamObserver<SystemSharedMemoryStatusResponse> observer) {
        UnaryCalls.answer(observer, () -> sharedMemory.systemStatus(request.getName()));
    }

    @Override
    public void systemSharedMemoryRegister(SystemSharedMemoryRegisterRequest request,
                                           StreamObserver<SystemSharedMemoryRegisterResponse> observer) {
        UnaryCalls.answer(observer, () -> sharedMemory.systemRegister(request.getName()));
    }

    @Override
    public void systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest request,
                                             StreamObserver<SystemSharedMemoryUnregisterResponse> observer) {
        UnaryCalls.answer(observer, sharedMemory::systemUnregister);
    }

    @Override
    public void cudaSharedMemoryStatus(CudaSharedMemoryStatusRequest request,
                                       StreamObserver<CudaSharedMemoryStatusResponse> observer) {
        UnaryCalls.answer(observer, () -> sharedMemory.cudaStatus(request.getName()));
    }

    @Override
    public void cudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest request,
                                         StreamObserver<CudaSharedMemoryRegisterResponse> observer) {
        UnaryCalls.answer(observer, () -> sharedMemory.cudaRegister(request.getName()));
    }

    @Override
    public void cudaSharedMemoryUnregister(CudaSharedMemoryUnregisterRequest request,
                                           StreamObserver<CudaSharedMemoryUnregisterResponse> observer) {
        UnaryCalls.answer(observer, sharedMemory::cudaUnregister);
    }

    @Override
    public void traceSetting(TraceSettingRequest request, StreamObserver<TraceSettingResponse> observer) {
        UnaryCalls.answer(observer, () -> settings.traceSetting(request));
    }

    @Override
    public void logSettings(LogSettingsRequest request, StreamObserver<LogSettingsResponse> observer) {
        UnaryCalls.answer(observer, () -> logSettings.handle(request));
    }
}
