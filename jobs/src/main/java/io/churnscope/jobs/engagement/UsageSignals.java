package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The signals read from {@code marts.user_day} of the {@code window-days} ending on the run date
 * (whatever the caller passes is taken as that window): users who do nothing beyond logging in,
 * and evangelist candidates — the heaviest adopters and the users of differentiated features.
 */
final class UsageSignals {
  private UsageSignals() {}

  /**
   * {@code login_only} (user): active in the window, and every active event name of every day is a
   * login event ({@code login-events}; passive events are ignored). The value is the active days.
   */
  static Dataset<Row> loginOnly(Dataset<Row> userDays, CsSignalSettings s, List<String> passiveEvents) {
    List<String> ignored = new ArrayList<>(s.loginEvents());
    ignored.addAll(passiveEvents);
    Column beyondLogin = size(array_except(map_keys(col("events_by_name")), strings(ignored))).gt(0);
    Dataset<Row> users = userDays.where(col("is_active")).groupBy("account_id", "user_key")
        .agg(count(lit(1)).as("active_days"), count_if(beyondLogin).as("days_beyond_login"))
        .where(col("days_beyond_login").equalTo(0));
    return CsSignal.of(users, CsSignal.LOGIN_ONLY, col("user_key"), lit(null), col("active_days"),
        format_string("%d active days in the last %d, nothing but logging in", col("active_days"), lit(s.windowDays())),
        lit(CsSignal.MEDIUM),
        lit("Logs in but does nothing: send a use-case guide for their role or offer a short training session."));
  }

  /**
   * {@code heavy_adopter} (user): at least {@code heavy-adopters.min-active-days} active days and
   * active events strictly above the {@code 1 - top-share} percentile of those users (all accounts
   * together; {@code percentile_approx}, exact on small sets). Strictly: at or above the percentile
   * would take in its own rank and its ties (2 of 10 users for a top 10 %), and if every user does
   * the same nobody stands out. The value is the active events in the window.
   */
  static Dataset<Row> heavyAdopters(Dataset<Row> userDays, CsSignalSettings s) {
    Dataset<Row> users = userDays.where(col("is_active")).groupBy("account_id", "user_key")
        .agg(sum("active_events").as("active_events"), count(lit(1)).as("active_days"))
        .where(col("active_days").geq(s.heavyAdopterMinActiveDays()));
    Dataset<Row> threshold = users.agg(
        percentile_approx(col("active_events"), lit(1 - s.heavyAdopterTopShare()), lit(10_000)).as("threshold"));
    Dataset<Row> heaviest = users.crossJoin(threshold).where(col("active_events").gt(col("threshold")));
    return CsSignal.of(heaviest, CsSignal.HEAVY_ADOPTER, col("user_key"), lit(null), col("active_events"),
        format_string("%d active events on %d days in the last %d (top %s of users)", col("active_events"),
            col("active_days"), lit(s.windowDays()), lit(percent(s.heavyAdopterTopShare()))),
        lit(CsSignal.LOW),
        lit("Evangelist candidate: invite to the advocacy program (reference call, review, case study)."));
  }

  /**
   * {@code differentiated_feature_user} (user): used a differentiated feature
   * ({@code differentiated.features}) on at least {@code differentiated.min-days} days. The subject
   * is the features used, sorted and comma-separated; the value is the days.
   */
  static Dataset<Row> differentiatedFeatureUsers(Dataset<Row> userDays, CsSignalSettings s) {
    if (s.differentiatedFeatures().isEmpty()) {
      return CsSignal.of(userDays.limit(0), CsSignal.DIFFERENTIATED_FEATURE_USER, col("user_key"), lit(null), lit(0L),
          lit(""), lit(CsSignal.LOW), lit(""));
    }
    Column used = array_intersect(col("features"), strings(s.differentiatedFeatures()));
    Dataset<Row> users = userDays.where(col("is_active")).withColumn("differentiated", used)
        .where(size(col("differentiated")).gt(0))
        .groupBy("account_id", "user_key")
        .agg(count(lit(1)).as("days"), array_sort(array_distinct(flatten(collect_list("differentiated")))).as("used"))
        .where(col("days").geq(s.differentiatedMinDays()));
    Column features = array_join(col("used"), ",");
    return CsSignal.of(users, CsSignal.DIFFERENTIATED_FEATURE_USER, col("user_key"), features, col("days"),
        format_string("used %s on %d days in the last %d", features, col("days"), lit(s.windowDays())),
        lit(CsSignal.LOW),
        lit("Evangelist candidate for a differentiating feature: ask for a testimonial or invite to its beta program."));
  }

  private static Column strings(List<String> values) {
    return array(values.stream().map(v -> lit(v)).toArray(Column[]::new)).cast("array<string>");
  }

  private static String percent(double share) {
    return java.math.BigDecimal.valueOf(share * 100).stripTrailingZeros().toPlainString() + " %";
  }
}
