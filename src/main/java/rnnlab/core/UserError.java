package rnnlab.core;

/**
 * A mistake in what the user asked for or supplied (an unknown experiment, key or value, a missing
 * or corrupt corpus, an unwritable folder). {@link rnnlab.Main} prints its message as one line and
 * exits non-zero, without a stack trace. The message says what is wrong and what would be right.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
