package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Licensed seats per account on a date, from {@code staged.subscription_versions}: the sum of
 * {@code quantity} over the subscriptions of the seat products whose version in force on the date
 * (latest {@code effective_date}, then highest version, on or before it — as in the MRR ledger) is
 * paid: {@code active} or {@code past_due}, {@code amount > 0}, started, not ended. Trials and free
 * plans license no seats. Output: {@code account_id, licensed_seats, product} (the first seat
 * product in force, alphabetically; it picks the account's cadence). Accounts without paid seats
 * have no row.
 */
public final class LicensedSeats {
  private LicensedSeats() {}

  public static Dataset<Row> on(Dataset<Row> versions, LocalDate date, List<String> seatProducts) {
    Column day = lit(Date.valueOf(date));
    Dataset<Row> known = versions.where(col("effective_date").leq(day));
    if (!seatProducts.isEmpty()) {
      known = known.where(col("product").isin(seatProducts.toArray()));
    }
    Dataset<Row> inForce = known.groupBy("subscription_id")
        .agg(max_by(struct(col("account_id"), col("product"), col("status"), col("amount"), col("quantity"),
            col("start_date"), col("ended_at")), struct(col("effective_date"), col("version"))).as("v"))
        .select("v.*");
    Column paid = col("status").isin("active", "past_due").and(col("amount").gt(0))
        .and(col("start_date").leq(day)).and(col("ended_at").isNull().or(col("ended_at").gt(day)));
    return inForce.where(paid)
        .groupBy("account_id")
        .agg(sum(col("quantity").cast("long")).as("licensed_seats"), min("product").as("product"));
  }
}
