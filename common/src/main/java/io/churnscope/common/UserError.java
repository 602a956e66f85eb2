package io.churnscope.common;

/**
 * A mistake the user can fix: a bad flag, a bad configuration value, a missing input.
 *
 * <p>{@link JobRunner} prints its message as one line (no stack trace) and exits with status 2.
 * The message should name what is wrong and how to fix it, e.g.
 * {@code "engagement.idle-timeout-minutes = -5 in demo.conf: must be a positive number of minutes"}.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
