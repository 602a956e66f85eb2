package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.year;

import org.apache.spark.sql.Column;

/** Calendar months as the ledger uses them: a month is its first day; months are counted by an index. */
final class Months {
  private Months() {}

  /** Months since year 0 ({@code year * 12 + month - 1}): the difference of two is a number of months. */
  static Column index(Column firstDay) {
    return year(firstDay).multiply(12).plus(month(firstDay)).minus(1);
  }
}
