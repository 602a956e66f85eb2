package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import org.apache.spark.sql.Column;

/**
 * The next renewal of a paying subscription after a day: the first anniversary of its anchor
 * (the first paid day: the trial's end, else the start date, as {@link RenewalPool} anchors it)
 * strictly after the day — monthly plans every month, annual plans every year. Anniversaries are
 * counted from the anchor ({@code add_months(anchor, k)}), so a Jan 31 anchor renews on Feb 28 and
 * then Mar 31, never drifting to the 28th.
 */
final class NextRenewal {
  private NextRenewal() {}

  /** Columns {@code trial_end, start_date, billing_interval} of a version in force; {@code at} a date column. */
  static Column after(Column at) {
    Column anchor = coalesce(col("trial_end"), col("start_date"));
    Column step = when(col("billing_interval").equalTo("year"), lit(12)).otherwise(lit(1));
    Column monthsApart = year(at).minus(year(anchor)).multiply(12).plus(month(at)).minus(month(anchor));
    // Whole steps that fit in monthsApart; at least one step after the anchor.
    Column k = greatest(monthsApart.minus(org.apache.spark.sql.functions.pmod(monthsApart, step)), step);
    Column candidate = add_months(anchor, k);
    return when(anchor.gt(at), anchor)
        .when(candidate.gt(at), candidate)
        .otherwise(add_months(anchor, k.plus(step)));
  }
}
