/** Triton's HTTP/REST protocol (and the metrics port) over Netty: the servers and their route tables. */
package dev.jepserve.http;
