/**
 * BLS (business logic scripting): models calling models inside the server. A call from Python (in process or
 * from a stub) arrives as a border message and goes to the target model's scheduler through the protocol-free
 * {@link dev.jepserve.inference.InferenceService}; its answers go back as border messages.
 */
package dev.jepserve.bls;
