package dev.jepserve.repository;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Takes versions out of service without failing a request: the state that replaces them is published first
 * (new requests find the new versions, or Triton's "unknown model" error after an unload), then each old
 * version, on a thread of its own, sends late arrivals on to whatever is current, lets its queued and running
 * requests finish, and only then finalizes its instances and drops its metric series. Series the new version
 * registered meanwhile are reference-counted, so they continue without a gap.
 */
final class ModelSwap {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwap.class);

    private final ModelRepository repository;
    private final VersionLookup lookup;
    private final ExecutorService retirer;
    private final long drainMillis;
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    /** @param drainMillis how long a retiring version's requests may take before its instances are finalized */
    ModelSwap(ModelRepository repository, ExecutorService retirer, long drainMillis) {
        this.repository = repository;
        this.lookup = new VersionLookup(repository);
        this.retirer = retirer;
        this.drainMillis = drainMillis;
    }

    /** Publishes {@code updated}, then retires {@code old} in the background; {@code then} runs after them. */
    CompletableFuture<Void> publishAndRetire(LoadedModel updated, List<ModelVersionRuntime> old, Runnable then) {
        repository.publish(updated);
        return retire(old, then);
    }

    /** Retires versions already out of the published state, in the background. */
    CompletableFuture<Void> retire(List<ModelVersionRuntime> old, Runnable then) {
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            for (ModelVersionRuntime runtime : old) {
                retireNow(runtime);
            }
            then.run();
        }, retirer);
        pending.add(done);
        done.whenComplete((ignored, error) -> {
            pending.remove(done);
            if (error != null) {
                LOG.error("retiring an old model version failed: {}", error.toString());
            }
        });
        return done;
    }

    private void retireNow(ModelVersionRuntime runtime) {
        runtime.retire(request -> lookup.find(request.modelName(), request.modelVersion()), drainMillis);
        LOG.info("successfully unloaded '{}' version {}", runtime.name(), runtime.version());
    }

    /** Waits (up to the deadline) for the retirements under way, e.g. before the server stops. */
    void awaitPending(long timeoutMillis) {
        CompletableFuture<?>[] all = pending.toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("some model versions were still unloading at shutdown: {}", e.toString());
        }
    }
}
