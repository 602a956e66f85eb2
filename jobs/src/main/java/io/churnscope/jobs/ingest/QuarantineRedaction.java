package io.churnscope.jobs.ingest;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Masks personal data in a quarantined record before it is kept (docs/runbook.md, "Quarantine"):
 * e-mail addresses and IP addresses wherever they appear, and the value of every
 * {@code privacy.pii-keys} field — a JSON key anywhere in the line, or a CSV column of that name when
 * the line has the header's number of fields. Everything else stays as delivered, so an operator can
 * still find the line in its file (ids, timestamps, the field at fault) and see why it was rejected.
 *
 * <p>A masked value becomes {@code <kind:token>}, the token the first 8 hex digits of SHA-256 of the
 * pseudonym salt and the value: the same address gives the same token in every record (an operator can
 * tell one bad sender from many) and cannot be read back.
 */
public final class QuarantineRedaction implements Serializable {
  private static final long serialVersionUID = 1L;
  static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  static final Pattern IPV4 = Pattern.compile("(?<![\\d.])" + OCTET + "(?:\\." + OCTET + "){3}(?![\\d.])");
  /** Colon-separated hex groups; a match counts as IPv6 only with "::" or at least 5 colons (not a time of day). */
  static final Pattern IPV6 = Pattern.compile("(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Za-z:])");

  private final String salt;
  private final List<String> piiKeys;
  private final Pattern jsonPii;

  public QuarantineRedaction(PrivacySettings privacy) {
    this.salt = privacy.pseudonymSalt();
    this.piiKeys = List.copyOf(privacy.piiKeys());
    String keys = String.join("|", piiKeys.stream().map(Pattern::quote).toList());
    // "key": "a string with \" escapes" or "key": a bare value (number, true, ...), in valid or broken JSON.
    this.jsonPii = piiKeys.isEmpty() ? null
        : Pattern.compile("(\"(?:" + keys + ")\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]\\s\"]+)");
  }

  /** The record column masked (null stays null). {@code csvColumns}: the source's CSV header, or null for JSON lines. */
  public Column masked(Column record, List<String> csvColumns) {
    List<String> columns = csvColumns == null ? null : List.copyOf(csvColumns);
    UDF1<String, String> mask = line -> redact(line, columns);
    return functions.udf(mask, DataTypes.StringType).apply(record);
  }

  /** The line with its personal data masked. */
  public String redact(String line, List<String> csvColumns) {
    if (line == null) {
      return null;
    }
    String out = csvColumns == null ? line : maskCsvColumns(line, csvColumns);
    if (jsonPii != null) {
      out = replace(jsonPii, out, m -> m.group(1) + "\"" + token("pii", unquote(m.group(2))) + "\"");
    }
    out = replace(EMAIL, out, m -> token("email", m.group()));
    out = replace(IPV4, out, m -> token("ip", m.group()));
    out = replace(IPV6, out, m -> m.group().contains("::") || colons(m.group()) >= 5 ? token("ip", m.group()) : m.group());
    return out;
  }

  /** {@code <kind:8 hex>}: SHA-256 of the salt, ":" and the value. */
  String token(String kind, String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest((salt + ":" + value).getBytes(StandardCharsets.UTF_8));
      return "<" + kind + ":" + HexFormat.of().formatHex(digest).substring(0, 8) + ">";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fields of the PII columns replaced by tokens, when the line has the header's number of fields. */
  private String maskCsvColumns(String line, List<String> columns) {
    List<int[]> spans = csvFieldSpans(line);
    if (spans.size() != columns.size()) {
      return line;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (int i = 0; i < spans.size(); i++) {
      int[] span = spans.get(i);
      String field = line.substring(span[0], span[1]);
      if (piiKeys.contains(columns.get(i).toLowerCase(Locale.ROOT)) && !field.isEmpty()) {
        out.append(line, at, span[0]).append(token("pii", unquote(field)));
        at = span[1];
      }
    }
    return out.append(line.substring(at)).toString();
  }

  /** Start and end of each comma-separated field, a quoted field (with "" escapes) counting as one. */
  static List<int[]> csvFieldSpans(String line) {
    List<int[]> spans = new ArrayList<>();
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        spans.add(new int[] {start, i});
        start = i + 1;
      }
    }
    spans.add(new int[] {start, line.length()});
    return spans;
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }

  private static long colons(String s) {
    return s.chars().filter(c -> c == ':').count();
  }

  private static String replace(Pattern pattern, String text, java.util.function.Function<Matcher, String> with) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
