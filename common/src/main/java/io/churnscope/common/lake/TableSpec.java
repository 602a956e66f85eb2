package io.churnscope.common.lake;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * A published table: where it lives, its schema (with column comments, which feed the data
 * dictionary), its partition columns and what it is.
 *
 * @param zone the lake zone and metastore database, e.g. {@code staged}
 * @param name the table name, e.g. {@code usage_events}
 */
public record TableSpec(String zone, String name, StructType schema, List<String> partitionBy, String comment) {
  /** The metastore name, {@code zone.name}. */
  public String qualifiedName() {
    return zone + "." + name;
  }
}
