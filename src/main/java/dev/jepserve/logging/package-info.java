/** tritonserver's log: its line layout, the log settings and their run-time changes (the logging extension). */
package dev.jepserve.logging;
