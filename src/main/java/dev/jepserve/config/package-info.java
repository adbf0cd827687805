/** Model configuration: reading config.pbtxt, Triton's normalization and validation, and Triton's JSON form. */
package dev.jepserve.config;
