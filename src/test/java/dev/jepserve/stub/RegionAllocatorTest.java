package dev.jepserve.stub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionAllocatorTest {
    private static final long MIB = SharedMemorySettings.MIB;

    @TempDir
    Path dir;

    private RegionAllocator allocator(long max) throws Exception {
        SharedMemorySettings settings = new SharedMemorySettings(MIB, MIB, max);
        return new RegionAllocator(SharedRegion.create(dir.resolve("r_in"), MIB), settings);
    }

    @Test
    void reusesFreedSpaceAndMergesNeighbours() throws Exception {
        RegionAllocator allocator = allocator(4 * MIB);
        long a = allocator.allocate(MIB / 2);
        long b = allocator.allocate(MIB / 2 - 64);
        assertNotEquals(a, b);
        allocator.free(a);
        allocator.free(b);
        // The two freed halves merged: a whole MiB fits again without growing.
        assertEquals(0, allocator.allocate(MIB));
        assertEquals(MIB, allocator.capacity());
    }

    @Test
    void growsInGrowthStepsUpToTheCeilingThenFailsWithTritonsText() throws Exception {
        RegionAllocator allocator = allocator(3 * MIB);
        long first = allocator.allocate(MIB + 1);
        assertEquals(2 * MIB, allocator.capacity());
        assertEquals(2 * MIB, Files.size(dir.resolve("r_in")));
        RegionFullException full = assertThrows(RegionFullException.class, () -> allocator.allocate(2 * MIB));
        assertTrue(full.getMessage().startsWith("Failed to increase the shared memory pool size for key 'r_in' to "));
        assertTrue(full.getMessage().contains("shm-region-max-byte-size=" + 3 * MIB));
        assertEquals(2 * MIB, allocator.capacity());
        allocator.free(first);
        assertEquals(0, allocator.allocate(2 * MIB));
    }

    @Test
    void viewsHandedOutBeforeAGrowthStayValid() throws Exception {
        RegionAllocator allocator = allocator(8 * MIB);
        long a = allocator.allocate(16);
        allocator.region().slice(a, 16).put(0, (byte) 42);
        var before = allocator.region().slice(a, 16);
        long big = allocator.allocate(5 * MIB);
        allocator.region().slice(big, 5 * (int) MIB).put(0, (byte) 7);
        assertEquals(42, before.get(0));
        assertEquals(42, SharedRegion.open(dir.resolve("r_in")).slice(a, 16).get(0));
    }

    @Test
    void settingsFollowTritonsKeysAndCheckTheirRanges() {
        SharedMemorySettings defaults = SharedMemorySettings.fromPythonSettings(Map.of());
        assertEquals(MIB, defaults.defaultByteSize());
        assertEquals(MIB, defaults.growthByteSize());
        assertEquals(1024 * MIB, defaults.maxByteSize());
        SharedMemorySettings given = SharedMemorySettings.fromPythonSettings(Map.of("shm-default-byte-size", "2097152",
                "shm-growth-byte-size", "4096", "shm-region-max-byte-size", "8388608"));
        assertEquals(new SharedMemorySettings(2 * MIB, 4096, 8 * MIB), given);
        assertThrows(IllegalArgumentException.class,
                () -> SharedMemorySettings.fromPythonSettings(Map.of("shm-default-byte-size", "1000")));
        assertThrows(IllegalArgumentException.class,
                () -> SharedMemorySettings.fromPythonSettings(Map.of("shm-region-max-byte-size", "3000000000")));
        assertFalse(SharedRegion.directory().toString().isEmpty());
    }
}
