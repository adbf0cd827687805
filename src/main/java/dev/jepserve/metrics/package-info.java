/** Prometheus metrics in Triton's exposition format: built-in nv_* families and pb_utils custom metrics. */
package dev.jepserve.metrics;
