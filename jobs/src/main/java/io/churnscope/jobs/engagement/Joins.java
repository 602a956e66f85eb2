package io.churnscope.jobs.engagement;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Small column helpers shared by the engagement transforms. */
final class Joins {
  private Joins() {}

  /** Join columns for {@code Dataset.join(other, on(...), type)}. */
  static scala.collection.immutable.Seq<String> on(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(java.util.List.of(columns)).toList();
  }

  /** An empty array of strings (the features of a day without active events). */
  static Column noStrings() {
    return functions.array().cast("array<string>");
  }
}
