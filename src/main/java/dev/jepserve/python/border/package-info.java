/**
 * The messages that cross between the server and a model's Python side, named on both sides (these records
 * here, NamedTuples in {@code python/jepserve_border.py}) and carried as JSON text plus tensor buffers. Only
 * handles (numbers) cross, never live server objects, so the same messages can travel to a stub process.
 */
package dev.jepserve.python.border;
