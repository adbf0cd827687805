package dev.jepserve.stub;

import dev.jepserve.stub.proto.RegionSlice;
import dev.jepserve.stub.proto.SharedMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The server's side of one stub's shared memory: the input region (the server allocates and writes what a
 * batch carries) and the output region (the stub writes responses there; the server hands views of them to
 * the network and queues the space for release once the write is done). The server owns both files: it
 * creates them and removes them when the stub stops or dies, crashed or not.
 */
final class StubRegions {
    private static final String PREFIX = "jepserve_stub_";

    private final RegionAllocator inputs;
    private final SharedRegion outputs;
    private final SharedMemorySettings settings;
    private final ConcurrentLinkedQueue<Long> released = new ConcurrentLinkedQueue<>();

    private StubRegions(RegionAllocator inputs, SharedRegion outputs, SharedMemorySettings settings) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.settings = settings;
    }

    /** Creates the two region files of the stub with process id {@code stubPid}. */
    static StubRegions create(long stubPid, SharedMemorySettings settings) throws IOException {
        Path dir = SharedRegion.directory();
        String base = PREFIX + ProcessHandle.current().pid() + "_" + stubPid;
        SharedRegion in = SharedRegion.create(dir.resolve(base + "_in"), settings.defaultByteSize());
        try {
            SharedRegion out = SharedRegion.create(dir.resolve(base + "_out"), settings.defaultByteSize());
            return new StubRegions(new RegionAllocator(in, settings), out, settings);
        } catch (IOException e) {
            in.delete();
            throw e;
        }
    }

    /** The file of this server's shared custom-metric values (named like the regions, so stale ones go too). */
    static Path metricCellsFile() {
        return SharedRegion.directory().resolve(PREFIX + ProcessHandle.current().pid() + "_metrics");
    }

    /**
     * Removes region files left by a server that was killed before it could (named with its process id, and
     * that process is gone).
     */
    static void removeStale() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(SharedRegion.directory(), PREFIX + "*")) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().substring(PREFIX.length()).split("_");
                try {
                    long pid = Long.parseLong(parts[0]);
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                    Files.deleteIfExists(file);
                } catch (NumberFormatException | IOException ignored) {
                    // not ours, or gone already
                }
            }
        } catch (IOException ignored) {
            // nothing to clean
        }
    }

    /** What the stub is told in LoadInstance. */
    SharedMemory describe() {
        return SharedMemory.newBuilder().setInputRegion(inputs.region().file().toString())
                .setOutputRegion(outputs.file().toString()).setDefaultByteSize(settings.defaultByteSize())
                .setGrowthByteSize(settings.growthByteSize()).setMaxByteSize(settings.maxByteSize()).build();
    }

    /**
     * Copies input tensors into the input region (the one copy on the way in).
     *
     * @return their slices, in order; nothing stays allocated when this throws
     * @throws RegionFullException with Triton's text when they do not fit
     */
    List<RegionSlice> writeInputs(List<ByteBuffer> buffers) throws RegionFullException, IOException {
        List<RegionSlice> slices = new ArrayList<>(buffers.size());
        try {
            for (ByteBuffer buffer : buffers) {
                int length = buffer.remaining();
                if (length == 0) {
                    slices.add(RegionSlice.newBuilder().setOffset(-1).build());
                    continue;
                }
                long offset = inputs.allocate(length);
                slices.add(RegionSlice.newBuilder().setOffset(offset).setLength(length).build());
                inputs.region().slice(offset, length).put(buffer.duplicate());
            }
        } catch (RegionFullException | IOException | RuntimeException e) {
            freeInputs(slices);
            throw e;
        }
        return slices;
    }

    void freeInputs(List<RegionSlice> slices) {
        for (RegionSlice slice : slices) {
            if (slice.getLength() > 0) {
                inputs.free(slice.getOffset());
            }
        }
    }

    /**
     * An output in the output region as a view (no copy). The stub does not reuse its space until
     * {@link #releaseOutputs} gave it back, so the view stays intact until then; after the stub died it stays
     * readable too (the mapping outlives the deleted file).
     */
    ByteBuffer outputView(RegionSlice slice) throws IOException {
        if (slice.getLength() <= 0) {
            return ByteBuffer.allocateDirect(0);
        }
        return outputs.slice(slice.getOffset(), Math.toIntExact(slice.getLength()));
    }

    /** Queues the space of these outputs for release (sent to the stub with the next Execute or sweep). */
    void releaseOutputs(List<RegionSlice> slices) {
        for (RegionSlice slice : slices) {
            if (slice.getLength() > 0) {
                released.add(slice.getOffset());
            }
        }
    }

    /** The output space copied out since the last call (to send to the stub). */
    List<Long> takeReleased() {
        List<Long> taken = new ArrayList<>();
        Long offset;
        while ((offset = released.poll()) != null) {
            taken.add(offset);
        }
        return taken;
    }

    /** Gives back what {@link #takeReleased()} returned when it could not be sent. */
    void requeueReleased(List<Long> offsets) {
        released.addAll(offsets);
    }

    int inputBlocksInUse() {
        return inputs.blocksInUse();
    }

    void delete() {
        inputs.region().delete();
        outputs.delete();
    }
}
