package io.churnscope.generator;

/**
 * A hand-built JSON object on one line: faster than a JSON library for tens of millions of small
 * messages, and it lets the generator plant malformed lines. Strings are escaped per RFC 8259.
 */
final class JsonLine {
  private final StringBuilder sb = new StringBuilder(640);
  private boolean first;

  JsonLine begin() {
    sb.setLength(0);
    sb.append('{');
    first = true;
    return this;
  }

  JsonLine str(String key, String value) {
    key(key);
    quote(sb, value);
    return this;
  }

  JsonLine num(String key, long value) {
    key(key);
    sb.append(value);
    return this;
  }

  /** A timestamp string: the instant in the local time of the given UTC offset. */
  JsonLine time(String key, long epochMillis, int offsetSeconds) {
    key(key);
    sb.append('"');
    IsoTime.appendWithOffset(sb, epochMillis, offsetSeconds);
    sb.append('"');
    return this;
  }

  JsonLine open(String key) {
    key(key);
    sb.append('{');
    first = true;
    return this;
  }

  JsonLine close() {
    sb.append('}');
    first = false;
    return this;
  }

  String end() {
    sb.append('}');
    return sb.toString();
  }

  private void key(String key) {
    if (!first) {
      sb.append(',');
    }
    first = false;
    quote(sb, key);
    sb.append(':');
  }

  static void quote(StringBuilder sb, String value) {
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
