package io.churnscope.jobs.cube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.schema.CubeTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The rollup on six hand-built account-months: every grouping set adds up to the facts, the grand
 * total's rates are the facts' rates, a null dimension value is 'unknown' (never confused with a
 * rolled-up null), and each grouping set has one grouping_id.
 */
class CubeRollupTest extends SparkTestBase {
  private static final StructType INPUT = new StructType()
      .add("month", DataTypes.DateType).add("acquisition_channel", DataTypes.StringType).add("region", DataTypes.StringType)
      .add("plan", DataTypes.StringType).add("customer_at_start", DataTypes.BooleanType).add("is_customer", DataTypes.BooleanType)
      .add("churned", DataTypes.BooleanType).add("start_mrr", DataTypes.createDecimalType(18, 4))
      .add("churn_mrr", DataTypes.createDecimalType(18, 4)).add("seats", DataTypes.LongType).add("active_users", DataTypes.LongType);

  private static final RollupSets SETS = new RollupSets(List.of("acquisition_channel", "region", "plan"),
      List.of(List.of("plan", "acquisition_channel", "region")));

  private Dataset<Row> accountMonths() {
    Date march = Date.valueOf("2026-03-01");
    return rows(INPUT,
        row(march, "partner", "EMEA", "pro", true, true, false, "100", "0", 10, 8),
        row(march, "partner", "EMEA", "team", true, false, true, "50", "50", 5, 1),
        row(march, "direct", "NA", "pro", true, true, false, "300", "0", 20, 5),
        row(march, "direct", null, "pro", true, false, true, "200", "200", 0, 0),
        row(march, "direct", "NA", "team", false, true, false, "0", "0", 4, 4),
        // A prospect: no seats; its active users are not in the utilization.
        row(march, "direct", "NA", null, false, false, false, "0", "0", 0, 3))
        .withColumn("start_mrr_at_rate", org.apache.spark.sql.functions.col("start_mrr"))
        .selectExpr("*", "CAST(0 AS DECIMAL(18,4)) AS new_mrr", "CAST(0 AS DECIMAL(18,4)) AS reactivation_mrr",
            "CAST(0 AS DECIMAL(18,4)) AS expansion_mrr", "CAST(0 AS DECIMAL(18,4)) AS cross_sell_mrr",
            "CAST(0 AS DECIMAL(18,4)) AS contraction_mrr", "CAST(0 AS DECIMAL(18,4)) AS fx_mrr",
            "start_mrr - churn_mrr AS end_mrr");
  }

  private static Object[] row(Date month, String channel, String region, String plan, boolean atStart, boolean customer,
      boolean churned, String start, String churn, long seats, long users) {
    return new Object[] {month, channel, region, plan, atStart, customer, churned, new BigDecimal(start), new BigDecimal(churn), seats, users};
  }

  @Test
  void everyGroupingSetAddsUpToTheFacts() {
    Dataset<Row> rollup = DeltaIO.conform(CubeRollup.apply(accountMonths(), SETS), CubeTables.CUBE_ROLLUP).cache();
    // Grand total, 3 singles, 3 pairs, 1 triple; the triple listed in another order is the same set.
    assertEquals(8, rollup.select("grouping_set").distinct().count());
    assertEquals(8, rollup.select("grouping_id").distinct().count(), "one grouping_id per set");
    DatasetAssertions.assertSameRows(
        rollup.where("grouping_level = 0").selectExpr("grouping_set", "accounts", "customers_start", "customers_end",
            "churned_accounts", "logo_churn_rate", "start_mrr", "churned_mrr", "revenue_churn_rate", "seats", "active_users",
            "licensed_active_users", "license_utilization"),
        // 4 customers at start, 2 churned: 0.5; 200 + 50 of 650 churned: 0.384615; 18 licensed users of 39 seats.
        spark().sql("SELECT '' AS grouping_set, 6L AS accounts, 4L AS customers_start, 3L AS customers_end, 2L AS churned_accounts, "
            + "CAST(0.5 AS DECIMAL(18,6)) AS logo_churn_rate, CAST(650 AS DECIMAL(18,4)) AS start_mrr, "
            + "CAST(250 AS DECIMAL(18,4)) AS churned_mrr, CAST(0.384615 AS DECIMAL(18,6)) AS revenue_churn_rate, "
            + "39L AS seats, 21L AS active_users, 18L AS licensed_active_users, CAST(0.461538 AS DECIMAL(18,6)) AS license_utilization"));
    // Every set partitions the same account-months: its sums are the grand total's.
    DatasetAssertions.assertSameRows(
        spark().sql("SELECT 6L, 2L, CAST(650 AS DECIMAL(28,4)), 39L, 21L").collectAsList().stream()
            .flatMap(r -> java.util.Collections.nCopies(8, r).stream()).toList(),
        rollup.groupBy("grouping_set").agg(org.apache.spark.sql.functions.expr("sum(accounts)"),
            org.apache.spark.sql.functions.expr("sum(churned_accounts)"), org.apache.spark.sql.functions.expr("CAST(sum(start_mrr) AS DECIMAL(28,4))"),
            org.apache.spark.sql.functions.expr("sum(seats)"), org.apache.spark.sql.functions.expr("sum(active_users)"))
            .drop("grouping_set").collectAsList());
    DatasetAssertions.assertSameRows(List.of(RowFactory.create("NA", 3L), RowFactory.create("EMEA", 2L), RowFactory.create("unknown", 1L)),
        rollup.where("grouping_set = 'region'").select("region", "accounts").collectAsList());
    // The grand total: every bit set (rolled up over all three); a dimension not configured is always null.
    DatasetAssertions.assertSameRows(List.of(RowFactory.create(null, null, 7L)),
        rollup.where("grouping_level = 0").select("industry", "plan", "grouping_id").collectAsList());
    rollup.unpersist();
  }
}
