package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@code help_loop} (user × task): a task event ({@code help-loop.task-events}), then a help event
 * ({@code help-loop.help-events}), then the same task event again, within {@code help-loop.max-minutes}
 * from the first task to the second. Only task and help events of the user in the account count;
 * pages, server-log actions and other events between them neither make nor break a loop, and a
 * different task after the help is not a loop. Several help events between the same two task events
 * are one loop. A loop on a task with a finishing event ({@code help-loop.finished-by}, e.g. Task
 * Started → Task Completed) counts only while the user has not finished it: a finish event at or
 * after the loop's second task event in the window takes the loop back (DOMAIN §2: "without finishing").
 *
 * <p>The subject is the task event; the value is the loops in the window (two or more: medium).
 */
final class HelpLoops {
  private HelpLoops() {}

  /** @param events {@code staged.usage_events} of the window (at least the task and help events) */
  static Dataset<Row> apply(Dataset<Row> events, CsSignalSettings s) {
    Column isTask = col("event_name").isin(s.taskEvents().toArray());
    Column isHelp = col("event_name").isin(s.helpEvents().toArray());
    WindowSpec user = Window.partitionBy("account_id", "user_key").orderBy(col("event_ts"), col("event_id"));
    // The next task event, as the last one before in reverse order: a frame from the row to the end of
    // the partition is recomputed for every row (O(n²) in a user's events), a running frame is not.
    WindowSpec userBackwards = Window.partitionBy("account_id", "user_key").orderBy(col("event_ts").desc(), col("event_id").desc());
    Column taskTs = when(isTask, unix_micros(col("event_ts")));
    Column taskName = when(isTask, col("event_name"));
    Dataset<Row> around = events.where(isTask.or(isHelp))
        .select(col("account_id"), col("user_key"), col("event_id"), col("event_name"), col("event_ts"))
        .withColumn("help", isHelp)
        .withColumn("before_task", last(taskName, true).over(user.rowsBetween(Window.unboundedPreceding(), -1)))
        .withColumn("before_ts", last(taskTs, true).over(user.rowsBetween(Window.unboundedPreceding(), -1)))
        .withColumn("after_task", last(taskName, true).over(userBackwards.rowsBetween(Window.unboundedPreceding(), -1)))
        .withColumn("after_ts", last(taskTs, true).over(userBackwards.rowsBetween(Window.unboundedPreceding(), -1)));
    long maxMicros = s.loopMaxMinutes() * 60_000_000L;
    Dataset<Row> loops = unfinished(events, around
        .where(col("help").and(col("before_task").equalTo(col("after_task")))
            .and(col("after_ts").minus(col("before_ts")).leq(maxMicros))), s)
        .groupBy(col("account_id"), col("user_key"), col("before_task").as("task"))
        .agg(count_distinct(col("before_ts")).as("loops"));
    return CsSignal.of(loops, CsSignal.HELP_LOOP, col("user_key"), col("task"), col("loops"),
        format_string("%d times went from %s to help and back to it within %d minutes", col("loops"), col("task"),
            lit(s.loopMaxMinutes())),
        when(col("loops").geq(2), lit(CsSignal.MEDIUM)).otherwise(lit(CsSignal.LOW)),
        format_string("Struggles with %s: send the matching help article or an in-app walkthrough; flag the task to "
            + "product if many users loop on it.", col("task")));
  }

  /** The loops whose task the user did not finish afterwards (tasks without a finishing event: every loop). */
  private static Dataset<Row> unfinished(Dataset<Row> events, Dataset<Row> loops, CsSignalSettings s) {
    if (s.taskFinishes().isEmpty()) {
      return loops;
    }
    Column finishOf = lit(null).cast("string");
    for (CsSignalSettings.TaskFinish f : s.taskFinishes()) {
      finishOf = when(col("before_task").equalTo(f.task()), lit(f.finish())).otherwise(finishOf);
    }
    List<String> finishNames = s.taskFinishes().stream().map(CsSignalSettings.TaskFinish::finish).distinct().toList();
    Dataset<Row> finishes = events.where(col("event_name").isin(finishNames.toArray()))
        .select(col("account_id").as("f_account_id"), col("user_key").as("f_user_key"), col("event_name").as("f_name"),
            unix_micros(col("event_ts")).as("f_ts"));
    return loops.withColumn("finish_event", finishOf)
        .join(finishes, col("f_account_id").equalTo(col("account_id")).and(col("f_user_key").equalTo(col("user_key")))
            .and(col("f_name").equalTo(col("finish_event"))).and(col("f_ts").geq(col("after_ts"))), "left_anti")
        .drop("finish_event");
  }
}
