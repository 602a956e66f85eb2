package io.churnscope.generator;

import java.time.LocalDate;

/**
 * Fast ISO-8601 formatting of instants with a UTC offset (the usage generator formats tens of
 * millions of timestamps, so it avoids DateTimeFormatter).
 */
final class IsoTime {
  private IsoTime() {}

  /** {@code 2026-07-04T20:15:03.123-05:00}: the instant shown in local time with its offset. */
  static String withOffset(long epochMillis, int offsetSeconds) {
    StringBuilder sb = new StringBuilder(29);
    appendWithOffset(sb, epochMillis, offsetSeconds);
    return sb.toString();
  }

  static void appendWithOffset(StringBuilder sb, long epochMillis, int offsetSeconds) {
    appendLocal(sb, epochMillis + offsetSeconds * 1000L);
    if (offsetSeconds == 0) {
      sb.append('Z');
      return;
    }
    int abs = Math.abs(offsetSeconds);
    sb.append(offsetSeconds < 0 ? '-' : '+');
    pad2(sb, abs / 3600);
    sb.append(':');
    pad2(sb, (abs / 60) % 60);
  }

  /** A UTC timestamp at a second of a day, e.g. {@code 2026-03-04T10:15:00Z}. */
  static String utc(LocalDate day, int secondOfDay) {
    StringBuilder sb = new StringBuilder(24);
    appendLocal(sb, (day.toEpochDay() * 86_400L + secondOfDay) * 1000L);
    return sb.append('Z').toString();
  }

  private static void appendLocal(StringBuilder sb, long localMillis) {
    long epochDay = Math.floorDiv(localMillis, 86_400_000L);
    long millisOfDay = Math.floorMod(localMillis, 86_400_000L);
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    sb.append(date.getYear()).append('-');
    pad2(sb, date.getMonthValue());
    sb.append('-');
    pad2(sb, date.getDayOfMonth());
    sb.append('T');
    int seconds = (int) (millisOfDay / 1000);
    pad2(sb, seconds / 3600);
    sb.append(':');
    pad2(sb, (seconds / 60) % 60);
    sb.append(':');
    pad2(sb, seconds % 60);
    int millis = (int) (millisOfDay % 1000);
    sb.append('.');
    if (millis < 100) {
      sb.append('0');
    }
    if (millis < 10) {
      sb.append('0');
    }
    sb.append(millis);
  }

  private static void pad2(StringBuilder sb, int value) {
    if (value < 10) {
      sb.append('0');
    }
    sb.append(value);
  }
}
