package io.churnscope.jobs.cube;

import io.churnscope.common.schema.CubeTables;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code cube.cube_rollup} from account-months (the fact with each account's attributes as of the
 * month): one Spark aggregation with GROUPING SETS — Spark expands the input once per set and
 * aggregates them in a single shuffle, rather than a job per set.
 *
 * <p>A dimension value that is null becomes {@code 'unknown'} before grouping, so a null in the
 * output always means "rolled up over this dimension". Rates are computed from the summed parts
 * (never averaged) and rounded as {@code marts.churn_metrics} rounds them, so a month's grand total
 * carries exactly that month's churn metrics.
 */
public final class CubeRollup {
  private static final String MONEY = "DECIMAL(18,4)";
  private static final String RATIO = "DECIMAL(18,6)";

  private CubeRollup() {}

  /**
   * @param accountMonths rows of {@code cube.fact_account_month} with the columns of {@code sets.dimensions()}
   */
  public static Dataset<Row> apply(Dataset<Row> accountMonths, RollupSets sets) {
    List<String> dimensions = sets.dimensions();
    String view = "cube_rollup_input_" + UUID.randomUUID().toString().replace('-', '_');
    accountMonths.selectExpr(inputColumns(dimensions)).createOrReplaceTempView(view);
    try {
      String groupingSets = sets.sets().stream()
          .map(set -> "(" + String.join(", ", prepend("month", set)) + ")")
          .collect(Collectors.joining(",\n    "));
      String groupedNames = dimensions.stream()
          .map(d -> "IF(grouping(" + d + ") = 0, '" + d + "', NULL)")
          .collect(Collectors.joining(", "));
      String rolledUp = CubeTables.ROLLUP_DIMENSIONS.stream()
          .map(d -> dimensions.contains(d) ? d : "CAST(NULL AS STRING) AS " + d)
          .collect(Collectors.joining(", "));
      String sql = "SELECT month,\n"
          + "  CAST(grouping_id() AS BIGINT) AS grouping_id,\n"
          + "  CAST(" + dimensions.size() + " - bit_count(grouping_id()) AS INT) AS grouping_level,\n"
          + "  concat_ws(',', " + groupedNames + ") AS grouping_set,\n"
          + "  " + rolledUp + ",\n"
          + "  count(*) AS accounts,\n"
          + "  count_if(customer_at_start) AS customers_start,\n"
          + "  count_if(is_customer) AS customers_end,\n"
          + "  count_if(churned) AS churned_accounts,\n"
          + "  " + ratio("count_if(churned)", "count_if(customer_at_start)") + " AS logo_churn_rate,\n"
          + "  " + money("start_mrr") + ", " + money("start_mrr_at_rate") + ", " + money("new_mrr") + ",\n"
          + "  " + money("reactivation_mrr") + ", " + money("expansion_mrr") + ", " + money("cross_sell_mrr") + ",\n"
          + "  " + money("contraction_mrr") + ", CAST(sum(churn_mrr) AS " + MONEY + ") AS churned_mrr, " + money("fx_mrr") + ", "
          + money("end_mrr") + ",\n"
          + "  " + ratio("sum(churn_mrr)", "sum(start_mrr_at_rate)") + " AS revenue_churn_rate,\n"
          + "  sum(seats) AS seats,\n"
          + "  sum(active_users) AS active_users,\n"
          + "  sum(IF(seats > 0, active_users, 0)) AS licensed_active_users,\n"
          + "  try_cast(round(try_divide(CAST(sum(IF(seats > 0, active_users, 0)) AS DECIMAL(28,6)), sum(seats)), 6) AS "
          + RATIO + ") AS license_utilization\n"
          + "FROM " + view + "\n"
          + "GROUP BY GROUPING SETS (\n    " + groupingSets + ")";
      return accountMonths.sparkSession().sql(sql);
    } finally {
      // The plan keeps its own reference to the input; the name is no longer needed.
      accountMonths.sparkSession().catalog().dropTempView(view);
    }
  }

  private static String[] inputColumns(List<String> dimensions) {
    List<String> columns = new java.util.ArrayList<>(List.of("month", "customer_at_start", "is_customer", "churned",
        "start_mrr", "start_mrr_at_rate", "new_mrr", "reactivation_mrr", "expansion_mrr", "cross_sell_mrr",
        "contraction_mrr", "churn_mrr", "fx_mrr", "end_mrr", "seats", "active_users"));
    for (String dimension : dimensions) {
      columns.add("coalesce(CAST(" + dimension + " AS STRING), 'unknown') AS " + dimension);
    }
    return columns.toArray(String[]::new);
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new java.util.ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }

  private static String money(String column) {
    return "CAST(sum(" + column + ") AS " + MONEY + ") AS " + column;
  }

  /** As marts.churn_metrics: rounded half up to 6 places, 0 when the base is 0. */
  private static String ratio(String part, String whole) {
    return "coalesce(try_cast(round(try_divide(CAST(" + part + " AS DECIMAL(28,6)), " + whole + "), 6) AS " + RATIO
        + "), CAST(0 AS " + RATIO + "))";
  }
}
