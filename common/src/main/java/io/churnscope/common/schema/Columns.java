package io.churnscope.common.schema;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Builds schemas whose every column carries a comment: the comments become the data dictionary. */
public final class Columns {
  private Columns() {}

  public static StructField required(String name, DataType type, String comment) {
    return new StructField(name, type, false, comment(comment));
  }

  public static StructField optional(String name, DataType type, String comment) {
    return new StructField(name, type, true, comment(comment));
  }

  public static StructType schema(StructField... fields) {
    return new StructType(fields);
  }

  private static Metadata comment(String text) {
    return new MetadataBuilder().putString("comment", text).build();
  }
}
