package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The shape every customer-success signal shares before it is dated: {@code account_id, user_key,
 * signal_type, subject, evidence_value, evidence, severity, call_to_action} (see
 * {@code EngagementTables.CS_SIGNALS}). Each signal type builds its rows with {@link #of}.
 */
final class CsSignal {
  private CsSignal() {}

  static final String UNUSED_SEATS = "unused_seats";
  static final String USER_NEVER_ACTIVE = "user_never_active";
  static final String LOGIN_ONLY = "login_only";
  static final String FUNNEL_ABANDONED = "funnel_abandoned";
  static final String HELP_LOOP = "help_loop";
  static final String HEAVY_ADOPTER = "heavy_adopter";
  static final String DIFFERENTIATED_FEATURE_USER = "differentiated_feature_user";

  /** Urgency for the CS team: high (revenue at risk), medium (adoption problem), low (opportunity or mild). */
  static final String HIGH = "high";
  static final String MEDIUM = "medium";
  static final String LOW = "low";

  /**
   * @param rows one row per signal, with {@code account_id} (and {@code user_key} for a user signal)
   * @param userKey the user, or a null literal for an account-level signal
   */
  static Dataset<Row> of(Dataset<Row> rows, String type, Column userKey, Column subject, Column evidenceValue,
      Column evidence, Column severity, Column callToAction) {
    return rows.select(col("account_id"), userKey.cast("string").as("user_key"), lit(type).as("signal_type"),
        subject.cast("string").as("subject"), evidenceValue.cast("long").as("evidence_value"), evidence.as("evidence"),
        severity.as("severity"), callToAction.as("call_to_action"));
  }
}
