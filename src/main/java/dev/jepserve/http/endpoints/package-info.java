/** One small handler per group of Triton HTTP endpoints: health, metadata, config, statistics, infer. */
package dev.jepserve.http.endpoints;
