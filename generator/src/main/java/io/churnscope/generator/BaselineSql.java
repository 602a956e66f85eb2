package io.churnscope.generator;

import java.time.LocalDate;
import java.util.List;

/**
 * Headline metrics in plain DuckDB SQL, written independently of the Spark code from the
 * definitions in the docs: the baseline {@code bench} times Spark against, and the independent
 * recomputation the tests compare Spark's tables with.
 */
public final class BaselineSql {
  private BaselineSql() {}

  /**
   * The MRR ledger's month totals, written independently of the Spark code from the definitions in
   * {@code docs/subscriptions.md}, over views {@code versions} (staged.subscription_versions) and
   * {@code fx} (staged.fx_rates). Money is computed in exact integers of 1/10000 USD:
   * round-half-up(amount × rate ÷ months) at four decimals. Returns month, then start, new,
   * reactivation, expansion, cross_sell, contraction, churn, fx and end, in 1/10000 USD.
   */
  public static String mrrMonthTotals(LocalDate runDate, int reactivationWindowMonths) {
    String runDay = "DATE '" + runDate + "'";
    String runMonth = "TIMESTAMP '" + runDate.withDayOfMonth(1) + "'";
    // amount × 10^4 times rate × 10^10 is the exact product × 10^14; ÷ (months × 10^10), half up.
    String units = "(CASE WHEN %1$s = 0 THEN 0 ELSE (CAST(round(%1$s * 10000) AS HUGEINT) * CAST(round(%2$s * 10000000000) AS HUGEINT)"
        + " + %3$s * 5000000000) // (%3$s * 10000000000) END)";
    return """
        WITH v AS (SELECT * FROM versions WHERE effective_date <= %1$s),
        months AS (
          SELECT CAST(unnest(generate_series(CAST((SELECT date_trunc('month', min(effective_date)) FROM v) AS TIMESTAMP),
                 %2$s, INTERVAL 1 MONTH)) AS DATE) AS month),
        latest AS (
          SELECT subscription_id, account_id, product FROM v
          QUALIFY row_number() OVER (PARTITION BY subscription_id ORDER BY effective_date DESC, version DESC) = 1),
        firsts AS (SELECT subscription_id, CAST(date_trunc('month', min(effective_date)) AS DATE) AS first_month FROM v GROUP BY 1),
        grid AS (
          SELECT l.subscription_id, l.account_id, l.product, m.month, least(last_day(m.month), %1$s) AS as_of
          FROM latest l JOIN firsts f USING (subscription_id) JOIN months m ON m.month >= f.first_month),
        in_force AS (
          SELECT g.*, x.currency,
                 CASE WHEN x.status IN ('active', 'past_due') AND x.start_date <= g.as_of
                       AND (x.ended_at IS NULL OR x.ended_at > g.as_of) THEN x.amount ELSE 0 END AS amt,
                 CASE WHEN x.billing_interval = 'year' THEN 12 ELSE 1 END AS n
          FROM grid g JOIN v x ON x.subscription_id = g.subscription_id AND x.effective_date <= g.as_of
          QUALIFY row_number() OVER (PARTITION BY g.subscription_id, g.month ORDER BY x.effective_date DESC, x.version DESC) = 1),
        rates AS (
          SELECT m.month, f.currency, arg_min(f.rate_to_usd, f.rate_date) AS rate
          FROM months m JOIN fx f ON f.rate_date >= m.month AND f.currency <> 'USD' GROUP BY 1, 2
          UNION ALL SELECT month, 'USD', 1 FROM months),
        previous AS (
          SELECT *, lag(amt, 1, 0) OVER w AS prev_amt, lag(n, 1, 1) OVER w AS prev_n, lag(currency, 1, currency) OVER w AS prev_currency
          FROM in_force WINDOW w AS (PARTITION BY subscription_id ORDER BY month)),
        converted AS (
          SELECT p.subscription_id, p.account_id, p.product, p.month,
                 %3$s AS end_u, %4$s AS start_at_rate_u
          FROM previous p
          LEFT JOIN rates r ON r.month = p.month AND r.currency = p.currency
          LEFT JOIN rates rp ON rp.month = p.month AND rp.currency = p.prev_currency),
        subscription_months AS (
          SELECT *, coalesce(lag(end_u) OVER (PARTITION BY subscription_id ORDER BY month), 0) AS start_u FROM converted),
        products AS (
          SELECT account_id, product, month, sum(start_u) AS start_u, sum(start_at_rate_u - start_u) AS fx_u,
                 sum(start_at_rate_u) AS s, sum(end_u) AS e
          FROM subscription_months GROUP BY ALL),
        account_months AS (
          SELECT account_id, month, year(month) * 12 + month(month) - 1 AS idx,
                 sum(start_u) AS account_start, sum(end_u) AS account_end
          FROM subscription_months GROUP BY ALL),
        accounts AS (
          SELECT *, max(CASE WHEN account_end > 0 THEN idx END) OVER (PARTITION BY account_id ORDER BY month
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_paying_idx
          FROM account_months),
        classified AS (
          SELECT p.month, p.start_u, p.fx_u, p.e,
                 s = 0 AND e > 0 AND a.account_start = 0 AND a.last_paying_idx IS NOT NULL
                   AND a.idx - a.last_paying_idx - 1 <= %5$d AS reactivating,
                 s = 0 AND e > 0 AS arriving, s > 0 AND e = 0 AS leaving, a.account_start > 0 AS continuing,
                 a.account_end = 0 AS gone, s
          FROM products p JOIN accounts a USING (account_id, month)
          WHERE p.start_u <> 0 OR p.e <> 0)
        SELECT CAST(month AS VARCHAR),
               sum(start_u),
               sum(CASE WHEN arriving AND NOT continuing AND NOT reactivating THEN e ELSE 0 END),
               sum(CASE WHEN reactivating AND NOT continuing THEN e ELSE 0 END),
               sum(CASE WHEN s > 0 AND e > s THEN e - s ELSE 0 END),
               sum(CASE WHEN arriving AND continuing THEN e ELSE 0 END),
               sum(CASE WHEN s > 0 AND e > 0 AND e < s THEN s - e WHEN leaving AND NOT gone THEN s ELSE 0 END),
               sum(CASE WHEN leaving AND gone THEN s ELSE 0 END),
               sum(fx_u),
               sum(e)
        FROM classified GROUP BY month ORDER BY month
        """.formatted(runDay, runMonth, units.formatted("p.amt", "r.rate", "p.n"),
            units.formatted("p.prev_amt", "rp.rate", "p.prev_n"), reactivationWindowMonths);
  }

  /**
   * DAU, WAU, MAU and paid seats per account on {@code date}, from the events themselves, over views
   * {@code usage_events} (staged.usage_events) and {@code versions} (staged.subscription_versions):
   * account_id, dau, wau, mau, seats. Active = any event not in {@code passiveEvents}; MAU over
   * {@code mauDays} days ending on the date; seats = quantity of the paying versions in force of the
   * seat products, or the largest paying quantity when no seat product pays (docs/engagement.md).
   */
  public static String engagementWindows(LocalDate date, List<String> passiveEvents, int mauDays, List<String> seatProducts) {
    String d = "DATE '" + date + "'";
    return "WITH active AS (SELECT account_id, user_key, CAST(event_date AS DATE) AS day FROM usage_events"
        + "   WHERE event_name NOT IN (" + literals(passiveEvents) + ")"
        + "   AND CAST(event_date AS DATE) BETWEEN " + d + " - INTERVAL " + (mauDays - 1) + " DAY AND " + d + "),"
        + " users AS (SELECT account_id,"
        + "   COUNT(DISTINCT CASE WHEN day = " + d + " THEN user_key END) AS dau,"
        + "   COUNT(DISTINCT CASE WHEN day >= " + d + " - INTERVAL 6 DAY THEN user_key END) AS wau,"
        + "   COUNT(DISTINCT user_key) AS mau FROM active GROUP BY account_id),"
        + " latest AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY effective_date DESC, version DESC) AS rn"
        + "   FROM versions WHERE effective_date <= " + d + "),"
        // Seats = quantity of the paying seat products; only when none pays (an add-on outliving the
        // core), the largest paying quantity.
        + " seats AS (SELECT account_id, COALESCE(SUM(CASE WHEN " + (seatProducts.isEmpty() ? "TRUE"
            : "product IN (" + literals(seatProducts) + ")") + " THEN quantity END),"
        + "   MAX(quantity)) AS seats FROM latest WHERE rn = 1"
        + "   AND status IN ('active', 'past_due') AND amount > 0 AND start_date <= " + d
        + "   AND (ended_at IS NULL OR ended_at > " + d + ") GROUP BY account_id)"
        + " SELECT COALESCE(u.account_id, s.account_id), COALESCE(dau, 0), COALESCE(wau, 0), COALESCE(mau, 0),"
        + "   COALESCE(seats, 0) FROM users u FULL OUTER JOIN seats s ON u.account_id = s.account_id";
  }

  private static String literals(List<String> values) {
    return values.stream().map(v -> "'" + v.replace("'", "''") + "'").collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * Every segment of one or two dimension values with at least {@code floor} rows in a Parquet
   * population of string dimensions and a {@code churned} outcome (rows without one left out, a
   * missing value named {@code (missing)}, as the hot-spot search names it): one GROUP BY GROUPING
   * SETS. Returns the dimensions (null where a segment does not fix one), then accounts and churned.
   */
  public static String levelTwoSegments(String parquetGlob, List<String> dimensions, long floor) {
    List<String> quoted = dimensions.stream().map(d -> "\"" + d.replace("\"", "\"\"") + "\"").toList();
    List<String> sets = new java.util.ArrayList<>();
    for (int i = 0; i < quoted.size(); i++) {
      sets.add("(" + quoted.get(i) + ")");
      for (int j = i + 1; j < quoted.size(); j++) {
        sets.add("(" + quoted.get(i) + ", " + quoted.get(j) + ")");
      }
    }
    String banded = quoted.stream().map(q -> "coalesce(CAST(" + q + " AS VARCHAR), '(missing)') AS " + q)
        .collect(java.util.stream.Collectors.joining(", "));
    return "SELECT " + String.join(", ", quoted) + ", count(*) AS accounts, sum(churned) AS churned FROM ("
        + "SELECT " + banded + ", CAST(churned AS INTEGER) AS churned FROM read_parquet('" + parquetGlob + "')"
        + " WHERE churned IS NOT NULL) GROUP BY GROUPING SETS (" + String.join(", ", sets) + ")"
        + " HAVING count(*) >= " + floor;
  }
}
