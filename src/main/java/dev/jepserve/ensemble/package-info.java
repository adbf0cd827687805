/**
 * Ensembles ({@code platform: "ensemble"}): a model whose requests run a data flow of steps, each a request to
 * another model through the protocol-free {@link dev.jepserve.inference.InferenceService} (the path BLS calls
 * take), fanning out and joining as the steps' inputs become available.
 */
package dev.jepserve.ensemble;
