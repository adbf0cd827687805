/** HTTP/1.1 plumbing shared by every endpoint: pipeline, body limits, routing, dispatch, replies, compression. */
package dev.jepserve.http.transport;
