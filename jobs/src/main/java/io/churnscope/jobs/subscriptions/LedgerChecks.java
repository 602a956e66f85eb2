package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.churnscope.common.quality.QualityGate;
import io.churnscope.common.schema.MartTables;
import org.apache.spark.sql.Column;

/** The quality gates of the MRR ledger: the identity, signs, and money that could not be converted. */
public final class LedgerChecks {
  private LedgerChecks() {}

  /** start + new + reactivation + expansion + cross_sell − contraction − churn + fx − end; 0 when the identity holds. */
  public static Column identityGap() {
    return col("start_mrr").plus(col("new_mrr")).plus(col("reactivation_mrr")).plus(col("expansion_mrr"))
        .plus(col("cross_sell_mrr")).minus(col("contraction_mrr")).minus(col("churn_mrr")).plus(col("fx_mrr"))
        .minus(col("end_mrr"));
  }

  /** For ledger rows (either grain) and for month totals. */
  public static QualityGate ledger(String subject) {
    Column negativeMovement = lit(false);
    for (String movement : new String[] {"start_mrr", "new_mrr", "reactivation_mrr", "expansion_mrr", "cross_sell_mrr",
        "contraction_mrr", "churn_mrr", "end_mrr"}) {
      negativeMovement = negativeMovement.or(col(movement).lt(0));
    }
    Column nullMoney = lit(false);
    for (var field : MartTables.MRR_MOVEMENTS) {
      nullMoney = nullMoney.or(col(field.name()).isNull());
    }
    return QualityGate.on(subject)
        .error("mrr_identity", identityGap().notEqual(0))
        .error("null_mrr", nullMoney)
        .error("negative_mrr_or_movement", negativeMovement);
  }

  /** For {@link BaseCurrencyMrr}'s subscription rows, before they are summed (a sum skips nulls). */
  public static QualityGate conversion(String subject) {
    return QualityGate.on(subject)
        .error("mrr_without_fx_rate", col("end_mrr").isNull().or(col("fx_mrr").isNull()));
  }
}
