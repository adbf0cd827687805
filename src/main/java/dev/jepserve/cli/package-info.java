/** tritonserver's command line: the flag table, parsing it with picocli, warnings, and the server options. */
package dev.jepserve.cli;
