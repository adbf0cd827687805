package dev.jepserve.python.border;

import java.util.List;
import java.util.Map;

/**
 * One response to one request, from execute()'s return value or a response sender.
 *
 * @param request    the request's handle
 * @param isFinal    no more responses follow for that request
 * @param empty      no response at all, only the final flag (a decoupled model's flag-only send)
 * @param outputs    already pruned to the request's requested outputs
 * @param parameters response parameters: String, Integer/Long, Boolean or Double values
 * @param error      set when the response carries an error (outputs are then empty)
 */
public record ResponseMessage(long request, boolean isFinal, boolean empty, List<OutputMessage> outputs,
                              Map<String, Object> parameters, ErrorMessage error) {
}
