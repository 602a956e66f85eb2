package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.StagedTables;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Licensed seats per account on a date — the one definition, read by {@code marts.account_status}
 * ({@code seats}) and {@code marts.account_engagement} ({@code licensed_seats}).
 *
 * <p>From the subscriptions' versions in force on the date ({@link VersionsInForce}: latest
 * {@code effective_date}, then highest version) that pay (active or past_due, started, not ended,
 * amount above 0): the {@code quantity} of the seat products ({@code subscriptions.seat-products},
 * the core product), summed over their subscriptions. Add-ons are licensed per core seat, so their
 * quantity repeats the core's and adds nothing; only when no seat product pays (an add-on running
 * out its term after the core ended) is the largest paying quantity the account's seats. Trials and
 * free plans license nothing.
 *
 * <p>Output: {@code account_id, licensed_seats} (long) and {@code product} (the first seat product
 * paying, alphabetically; null in the add-on case) for accounts with paid seats only.
 */
public final class LicensedSeats {
  private LicensedSeats() {}

  /** The configured seat products. */
  public static List<String> products(ChurnscopeConfig config) {
    return SubscriptionSettings.SEAT_PRODUCTS.from(config);
  }

  /** Seats on {@code date} from the lake's staged subscription versions (none before billing is ingested). */
  public static Dataset<Row> inLake(SparkSession spark, Lake lake, LocalDate date, List<String> seatProducts) {
    return on(DeltaIO.readOrEmpty(spark, lake, StagedTables.SUBSCRIPTION_VERSIONS), date, seatProducts);
  }

  public static Dataset<Row> on(Dataset<Row> versions, LocalDate date, List<String> seatProducts) {
    Dataset<Row> oneDate = versions.sparkSession().range(1).select(lit(java.sql.Date.valueOf(date)).as("as_of_date"));
    return at(versions, oneDate, seatProducts).drop("as_of_date");
  }

  /**
   * Seats on many dates: keys {@code as_of_date}, optionally with {@code account_id} (see
   * {@link VersionsInForce#at}); one row per account and date with paid seats, plus {@code as_of_date}.
   * Seat products are picked after the versions in force, not before: the add-on fallback needs the others.
   */
  public static Dataset<Row> at(Dataset<Row> versions, Dataset<Row> keys, List<String> seatProducts) {
    Column seatProduct = seatProducts.isEmpty() ? lit(true) : col("product").isin(seatProducts.toArray());
    return VersionsInForce.at(versions, keys).where(col("paying"))
        .groupBy("account_id", "as_of_date")
        .agg(coalesce(sum(when(seatProduct, col("quantity"))), max(col("quantity"))).cast("long").as("licensed_seats"),
            min(when(seatProduct, col("product"))).as("product"))
        .select("account_id", "licensed_seats", "product", "as_of_date");
  }
}
