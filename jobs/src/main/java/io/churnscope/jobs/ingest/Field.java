package io.churnscope.jobs.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;

/**
 * One column of a raw record: where it is in the record ({@code rawPath}, e.g.
 * {@code context.groupId}), the type it must convert to, and whether it must be present.
 * A present value that does not convert is {@code wrong_type}; a required one that is absent or
 * empty is {@code missing_field}.
 */
public record Field(String name, String rawPath, DataType type, boolean required) {
  public static Field required(String name, DataType type) {
    return new Field(name, name, type, true);
  }

  public static Field optional(String name, DataType type) {
    return new Field(name, name, type, false);
  }

  public static Field required(String name, String rawPath, DataType type) {
    return new Field(name, rawPath, type, true);
  }

  public static Field optional(String name, String rawPath, DataType type) {
    return new Field(name, rawPath, type, false);
  }

  /**
   * The raw text of the field in the parsed struct {@code r}, trimmed; null when absent, blank or a
   * database export's null marker ({@link #NULL_MARKERS}) — else a key {@code NULL} would be staged
   * as an account of that name.
   */
  public Column extract() {
    Column text = functions.trim(functions.col("r." + rawPath));
    return functions.when(text.isin(NULL_MARKERS.toArray()).unary_$bang(), text);
  }

  /** Texts that mean "no value": empty, and what SQL clients and {@code COPY} write for a null. */
  static final java.util.List<String> NULL_MARKERS = java.util.List.of("", "NULL", "null", "\\N");

  /** The column holding the extracted raw text. */
  public Column raw() {
    return functions.col("_raw_" + name);
  }

  /** The field converted to its type; null when absent or when it does not convert. */
  public Column typed() {
    return type.sameType(org.apache.spark.sql.types.DataTypes.StringType) ? raw() : raw().try_cast(type);
  }
}
