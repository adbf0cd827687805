/** Triton's v2 HTTP wire format: JSON and binary tensor bodies decoded into requests and encoded from responses. */
package dev.jepserve.http.codec;
