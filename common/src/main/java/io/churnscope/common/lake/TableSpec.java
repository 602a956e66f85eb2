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
  /** Zone and name become a folder and a SQL name: plain lower-case names only. */
  public TableSpec {
    if (!zone.matches("[a-z_][a-z0-9_]*") || !name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("a table's zone and name must be plain lower-case names: " + zone + "." + name);
    }
  }

  /** The metastore name, {@code zone.name}. */
  public String qualifiedName() {
    return zone + "." + name;
  }
}
