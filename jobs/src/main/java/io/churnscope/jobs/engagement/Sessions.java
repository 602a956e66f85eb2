package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Sessionizes active events, with window functions only (no UDF, no driver work).
 *
 * <p>The events of one user in one account on one UTC day, ordered by time (then event id, so ties
 * are deterministic), form sessions:
 * <ol>
 *   <li>a gap of more than the idle timeout between consecutive events starts a new session
 *       (an "idle session");</li>
 *   <li>an idle session is cut every {@code maxSessionSeconds} from its first event: an event
 *       {@code k × max} or more after that first event opens piece {@code k}. So no session spans the
 *       maximum length or more (a tab left open that keeps pinging does not make one endless session);</li>
 *   <li>sessions are cut at UTC midnight. A session from 23:50 to 00:10 counts as one session on each
 *       day, and the interval across midnight adds nothing. This is the price of exact incremental
 *       rollups: each day's rollup depends on that day's events only, so a late event recomputes its
 *       own day and nothing else. The loss is at most one interval per user per night.</li>
 * </ol>
 * Active time adds, for every event, the interval since the previous event of the same session; the
 * first event of a session adds nothing, so an idle gap adds nothing.
 *
 * <p>Output: the input with {@code session_start} (1 for the first event of a session, else 0) and
 * {@code active_micros} (the interval it closes, in microseconds).
 */
public final class Sessions {
  private Sessions() {}

  public static Dataset<Row> apply(Dataset<Row> activeEvents, long idleTimeoutSeconds, long maxSessionSeconds) {
    WindowSpec byUserDay = Window.partitionBy("account_id", "user_key", "event_date").orderBy("event_ts", "event_id");
    Column micros = unix_micros(col("event_ts"));
    Dataset<Row> withGaps = activeEvents
        .withColumn("gap_micros", micros.minus(lag(micros, 1).over(byUserDay)))
        .withColumn("idle_start", when(col("gap_micros").isNull()
            .or(col("gap_micros").gt(lit(idleTimeoutSeconds * 1_000_000L))), lit(1)).otherwise(lit(0)))
        .withColumn("idle_session", sum("idle_start").over(byUserDay));

    WindowSpec byIdleSession = Window.partitionBy("account_id", "user_key", "event_date", "idle_session")
        .orderBy("event_ts", "event_id");
    Dataset<Row> withPieces = withGaps
        .withColumn("piece", floor(micros.minus(unix_micros(first("event_ts").over(byIdleSession)))
            .divide(lit(maxSessionSeconds * 1_000_000L))).cast("long"));
    Column previousPiece = lag("piece", 1).over(byIdleSession);
    Column opens = col("idle_start").equalTo(1).or(previousPiece.isNull()).or(previousPiece.notEqual(col("piece")));
    return withPieces
        .withColumn("session_start", when(opens, lit(1)).otherwise(lit(0)))
        .withColumn("active_micros", when(opens, lit(0L)).otherwise(col("gap_micros")))
        .drop("gap_micros", "idle_start", "idle_session", "piece");
  }
}
