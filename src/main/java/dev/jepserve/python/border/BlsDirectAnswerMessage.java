package dev.jepserve.python.border;

import java.util.List;

/**
 * What the caller of a direct BLS call gets once the called model's response passed the server's checks.
 *
 * @param pending true when the answer comes later through the call's ordinary answers (not answered when
 *                execute() returned, or rescheduled); the other fields are then meaningless
 * @param outputs the names of the response's outputs to keep (the requested ones), when {@code error} is null
 * @param error   the error the caller gets instead of the response (the model's own, or a broken contract)
 */
public record BlsDirectAnswerMessage(boolean pending, List<String> outputs, ErrorMessage error) {
}
