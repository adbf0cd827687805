package dev.jepserve.python.border;

import java.util.List;

/**
 * The server's answer to a {@link BlsDirectCallMessage} that it did not send back to the ordinary path: the
 * call was started on an idle instance the caller now runs itself, or refused (an invalid request).
 *
 * @param call             the call's handle on the BLS bridge (for the done message, or for waiting)
 * @param instance         the runtime key of the instance to run execute() on
 * @param request          the request's handle on the border callbacks (is_cancelled, later sends)
 * @param requestedOutputs the outputs the called model is asked for (every configured one when none were named)
 * @param error            set when refused; the other fields are then meaningless
 */
public record BlsDirectStartMessage(long call, String instance, long request, List<String> requestedOutputs,
                                    ErrorMessage error) {
}
