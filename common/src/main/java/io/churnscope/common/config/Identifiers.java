package io.churnscope.common.config;

import io.churnscope.common.UserError;
import java.util.regex.Pattern;

/**
 * Names that come from conf, flags or mapping files and end up inside SQL text or a path: checked
 * before they get there (docs/runbook.md, "Secrets"), so a quote, a backtick, a semicolon or a
 * {@code ../} is refused with one line naming where it came from, never interpreted.
 */
public final class Identifiers {
  /** A plain name: a letter or underscore, then letters, digits, underscores, dots or hyphens. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  /** A relative path of plain names, no {@code ..} and no leading slash. */
  private static final Pattern RELATIVE_PATH = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");

  private Identifiers() {}

  /**
   * @param where what the name is, for the error, e.g. {@code privacy.pii-keys}
   * @return {@code value}, a plain name
   */
  public static String name(String where, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new UserError(where + ": '" + value + "' is not a plain name (a letter or _, then letters, digits, _ . or -)");
    }
    return value;
  }

  /** {@code value}, a relative path that stays inside the folder it is resolved against. */
  public static String relativePath(String where, String value) {
    if (value == null || !RELATIVE_PATH.matcher(value).matches() || value.contains("..")) {
      throw new UserError(where + ": '" + value + "' must be a relative path inside its folder (plain names separated "
          + "by /, no ..)");
    }
    return value;
  }
}
