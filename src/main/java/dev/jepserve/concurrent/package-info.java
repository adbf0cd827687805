/** Small concurrency helpers shared across packages (thread factories). */
package dev.jepserve.concurrent;
