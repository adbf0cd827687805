/** Triton's HTTP/REST protocol (and the metrics port) over Netty: bootstrap, routing, endpoints and wire codecs. */
package dev.jepserve.http;
