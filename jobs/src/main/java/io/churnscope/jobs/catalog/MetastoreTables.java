package io.churnscope.jobs.catalog;

import io.churnscope.common.lake.TableSpec;
import org.apache.spark.sql.SparkSession;

/**
 * Registers a lake table by name ({@code zone.table}) in the session's catalog as an external
 * Delta table: its schema, partitioning and column comments come from the Delta log, so the
 * metastore never holds a second copy that could drift. Dropping the name never deletes data.
 */
final class MetastoreTables {
  private MetastoreTables() {}

  static void register(SparkSession spark, TableSpec table, String path) {
    String database = "`" + table.zone() + "`";
    String name = database + ".`" + table.name() + "`";
    spark.sql("CREATE DATABASE IF NOT EXISTS " + database);
    if (registeredElsewhere(spark, table, path)) {
      // The lake moved (or another lake was published under the same names): follow this run's lake.
      spark.sql("DROP TABLE " + name);
    }
    spark.sql("CREATE TABLE IF NOT EXISTS " + name + " USING delta LOCATION '" + path.replace("'", "\\'") + "'");
  }

  private static boolean registeredElsewhere(SparkSession spark, TableSpec table, String path) {
    if (!spark.catalog().tableExists(table.zone(), table.name())) {
      return false;
    }
    try {
      String location = spark.sql("DESCRIBE DETAIL `" + table.zone() + "`.`" + table.name() + "`")
          .select("location").first().getString(0);
      return !stripScheme(location).equals(stripScheme(path));
    } catch (Exception e) {
      // The name points at a location that is gone or no longer a Delta table: re-point it.
      return true;
    }
  }

  private static String stripScheme(String location) {
    return location.replaceFirst("^file:(//)?", "").replaceAll("/+$", "");
  }
}
