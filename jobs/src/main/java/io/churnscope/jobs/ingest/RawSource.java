package io.churnscope.jobs.ingest;

import io.churnscope.common.schema.RawFeed;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * A raw source as ingestion sees it: where it is delivered, how its lines parse, its fields and
 * the key that identifies a record (duplicates of a key are quarantined, the earliest delivery
 * wins).
 *
 * @param name the source's name in quarantine and the manifest, e.g. {@code invoices}
 * @param rawDir folder under {@code raw/}, e.g. {@code billing/invoices}
 * @param csvColumns the CSV header's columns in order, or null for JSON lines
 * @param jsonSchema the all-string schema of a JSON line, or null for CSV
 */
public record RawSource(String name, String rawDir, List<String> csvColumns, StructType jsonSchema,
    List<Field> fields, List<String> keys) {

  /** A CSV feed of the lake's raw zone. */
  public static RawSource csv(RawFeed feed, List<Field> fields, List<String> keys) {
    return csv(feed.sourceName(), feed.folder(), feed.header(), fields, keys);
  }

  /** A JSON-lines feed of the lake's raw zone, parsed with {@code schema}. */
  public static RawSource json(RawFeed feed, StructType schema, List<Field> fields, List<String> keys) {
    return new RawSource(feed.sourceName(), feed.folder(), null, schema, fields, keys);
  }

  /** A CSV file of another layout (a mapping). */
  public static RawSource csv(String name, String rawDir, List<String> columns, List<Field> fields, List<String> keys) {
    return new RawSource(name, rawDir, columns, null, fields, keys);
  }

  public boolean isCsv() {
    return csvColumns != null;
  }

  public String csvHeader() {
    return isCsv() ? String.join(",", csvColumns) : null;
  }
}
