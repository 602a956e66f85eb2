package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.churnscope.jobs.subscriptions.VersionsInForce;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Licensed seats per account on a date, from {@code staged.subscription_versions}: the sum of
 * {@code quantity} over the subscriptions of the seat products whose version in force on the date
 * ({@link VersionsInForce}: latest {@code effective_date}, then highest version, on or before it — as
 * in the MRR ledger) is paying: {@code active} or {@code past_due}, {@code amount > 0}, started, not
 * ended. Trials and free plans license no seats. Output: {@code account_id, licensed_seats, product}
 * (the first seat product in force, alphabetically; it picks the account's cadence), plus
 * {@code as_of_date} for {@link #at}. Accounts without paid seats have no row.
 */
public final class LicensedSeats {
  private LicensedSeats() {}

  public static Dataset<Row> on(Dataset<Row> versions, LocalDate date, List<String> seatProducts) {
    Dataset<Row> oneDate = versions.sparkSession().range(1).select(lit(Date.valueOf(date)).as("as_of_date"));
    return at(versions, oneDate, seatProducts).drop("as_of_date");
  }

  /** Seats on many dates: keys {@code as_of_date}, optionally with {@code account_id} (see {@link VersionsInForce#at}). */
  public static Dataset<Row> at(Dataset<Row> versions, Dataset<Row> keys, List<String> seatProducts) {
    Dataset<Row> seatVersions = seatProducts.isEmpty() ? versions : versions.where(col("product").isin(seatProducts.toArray()));
    return VersionsInForce.at(seatVersions, keys).where(col("paying"))
        .groupBy("account_id", "as_of_date")
        .agg(sum(col("quantity").cast("long")).as("licensed_seats"), min("product").as("product"))
        .select("account_id", "licensed_seats", "product", "as_of_date");
  }
}
