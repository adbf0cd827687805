/** Log layout and levels: Triton-style lines, model file and line for pb_utils.Logger output. */
package dev.jepserve.logging;
