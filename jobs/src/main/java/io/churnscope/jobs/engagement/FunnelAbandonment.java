package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code funnel_abandoned} (user), per funnel of {@code engagement.cs-signals.funnels}: a user who
 * started the funnel (its first step) in the window, at least {@code complete-within-days} before the
 * end of the run date, and has not reached its last step since. Only the user's latest such start
 * is judged, and the steps must come in order after it (a repeated step or a restart does not
 * advance). A user who finishes late — after the deadline but by the run date — has finished: no
 * outreach is due. A start younger than the deadline is still in progress and not judged.
 *
 * <p>The value is the steps reached (1 = started only); the subject is the funnel's name.
 */
final class FunnelAbandonment {
  private FunnelAbandonment() {}

  /** @param events {@code staged.usage_events} of the window (at least the funnel's step events) */
  static Dataset<Row> apply(Dataset<Row> events, LocalDate date, CsSignalSettings.Funnel funnel) {
    int steps = funnel.steps().size();
    Timestamp deadline = SeatSignals.midnightUtc(date.plusDays(1).minusDays(funnel.completeWithinDays()));
    Dataset<Row> stepEvents = events.where(col("event_name").isin(funnel.steps().toArray()))
        .select("account_id", "user_key", "event_name", "event_ts", "event_date");
    Dataset<Row> starts = stepEvents.where(col("event_name").equalTo(funnel.steps().get(0))
            .and(col("event_ts").leq(lit(deadline))))
        .groupBy("account_id", "user_key").agg(max("event_ts").as("started_at"));

    Column order = array(funnel.steps().stream().map(s -> lit(s)).toArray(Column[]::new));
    // Walk the user's step events after the start in time order: each advances the position only
    // when it is the next step expected.
    Column reached = aggregate(col("path"), lit(0), (position, e) ->
        when(position.lt(steps).and(e.getField("event_name").equalTo(element_at(order, position.plus(1)))),
            position.plus(1)).otherwise(position));
    Dataset<Row> walked = starts.join(stepEvents, Joins.on("account_id", "user_key"))
        .where(col("event_ts").geq(col("started_at")))
        .groupBy("account_id", "user_key", "started_at")
        .agg(array_sort(collect_list(struct(col("event_ts"), col("event_name")))).as("path"))
        .withColumn("reached", reached)
        .where(col("reached").lt(steps));
    return CsSignal.of(walked, CsSignal.FUNNEL_ABANDONED, col("user_key"), lit(funnel.name()), col("reached"),
        format_string("started %s on %s, stopped after step %d of %d (%s), not finished within %d days",
            lit(funnel.name()), col("started_at").cast("date").cast("string"), col("reached"), lit(steps),
            element_at(order, col("reached")), lit(funnel.completeWithinDays())),
        lit(CsSignal.MEDIUM),
        lit("Help the user finish " + funnel.name() + ": send an in-app guide to the step where they stopped, or offer "
            + "a setup call."));
  }
}
