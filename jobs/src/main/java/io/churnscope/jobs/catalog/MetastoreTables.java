package io.churnscope.jobs.catalog;

import io.churnscope.common.lake.TableSpec;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalog;

/**
 * Registers a lake table by name ({@code zone.table}) in the session's catalog as an external
 * Delta table: its schema, partitioning and column comments come from the Delta log, so the
 * metastore never holds a second copy that could drift. Dropping the name never deletes data.
 */
final class MetastoreTables {
  private MetastoreTables() {}

  static void register(SparkSession spark, TableSpec table, String path) {
    String database = "`" + table.zone() + "`";
    spark.sql("CREATE DATABASE IF NOT EXISTS " + database);
    // The metastore itself, not Delta: a name whose location is gone must be checked and dropped
    // without loading the table (which would fail).
    ExternalCatalog metastore = ((org.apache.spark.sql.classic.SparkSession) spark).sharedState().externalCatalog();
    if (metastore.tableExists(table.zone(), table.name())) {
      String location = metastore.getTable(table.zone(), table.name()).location().toString();
      if (stripScheme(location).equals(stripScheme(path))) {
        return;
      }
      // The lake moved (or another lake was published under the same names): follow this run's lake.
      metastore.dropTable(table.zone(), table.name(), true, false);
    }
    spark.sql("CREATE TABLE " + database + ".`" + table.name() + "` USING delta LOCATION '" + path.replace("'", "\\'") + "'");
  }

  /** Drops the name (never the data) if it is registered: a table conf no longer publishes. */
  static void unregister(SparkSession spark, TableSpec table) {
    ExternalCatalog metastore = ((org.apache.spark.sql.classic.SparkSession) spark).sharedState().externalCatalog();
    if (metastore.databaseExists(table.zone()) && metastore.tableExists(table.zone(), table.name())) {
      metastore.dropTable(table.zone(), table.name(), true, false);
    }
  }

  private static String stripScheme(String location) {
    return location.replaceFirst("^file:(//)?", "").replaceAll("/+$", "");
  }
}
