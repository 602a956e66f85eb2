package io.churnscope.jobs.subscriptions;

import io.churnscope.common.schema.StagedTables;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Hand-built staged billing rows for the ledger's known-answer tests. */
final class LedgerFixtures {
  private LedgerFixtures() {}

  /** One subscription version; {@code start_date} defaults to the effective date. */
  static final class V {
    final String sub;
    final int version;
    final String account;
    final String product;
    final String interval;
    final String amount;
    final String currency;
    final String status;
    final String effective;
    String start;
    String trialStart;
    String trialEnd;
    String requested;
    String ended;
    String reason;
    int quantity = 1;

    V(String sub, int version, String account, String product, String interval, String amount, String currency,
        String status, String effective) {
      this.sub = sub;
      this.version = version;
      this.account = account;
      this.product = product;
      this.interval = interval;
      this.amount = amount;
      this.currency = currency;
      this.status = status;
      this.effective = effective;
      this.start = effective;
    }

    V started(String day) {
      start = day;
      return this;
    }

    /** Licensed seats; the amount stays the version's total. */
    V seats(int n) {
      quantity = n;
      return this;
    }

    V trial(String from, String to) {
      trialStart = from;
      trialEnd = to;
      return this;
    }

    V cancel(String requestedOn, String endsOn, String why) {
      requested = requestedOn;
      ended = endsOn;
      reason = why;
      return this;
    }

    Row row() {
      return RowFactory.create(sub, version, account, product, "plan", interval, quantity, new BigDecimal(amount),
          new BigDecimal(amount), currency, status, date(trialStart), date(trialEnd), date(start), date(effective),
          date(requested), date(ended), reason, Timestamp.valueOf(effective + " 08:00:00"), date(effective), "fixture");
    }
  }

  static V v(String sub, int version, String account, String product, String interval, String amount, String currency,
      String status, String effective) {
    return new V(sub, version, account, product, interval, amount, currency, status, effective);
  }

  /** A monthly USD core version. */
  static V usd(String sub, int version, String account, String amount, String status, String effective) {
    return v(sub, version, account, "core", "month", amount, "USD", status, effective);
  }

  static Dataset<Row> versions(SparkSession spark, V... versions) {
    return spark.createDataFrame(Arrays.stream(versions).map(V::row).toList(), StagedTables.SUBSCRIPTION_VERSIONS.schema());
  }

  /** A CRM account row (one change of the account) with its channel and campaign. */
  static Row crm(String account, String created, String channel, String campaign, String modifiedAt) {
    return RowFactory.create(account, null, Date.valueOf(created), channel, campaign, "US", null, null, null, null, null,
        null, Timestamp.valueOf(modifiedAt + " 09:00:00"), Date.valueOf(created), "fixture");
  }

  static Dataset<Row> crmAccounts(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), StagedTables.CRM_ACCOUNTS.schema());
  }

  /** An invoice line: id, subscription, account, day, kind, amount, currency. */
  static Row invoice(String id, String sub, String account, String day, String kind, String amount, String currency) {
    return RowFactory.create(id, sub, account, Date.valueOf(day), kind, new BigDecimal(amount), currency, null, null,
        Date.valueOf(day), "fixture");
  }

  static Dataset<Row> invoices(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), StagedTables.INVOICES.schema());
  }

  /** FX rows as {@code day, currency, rate} triples. */
  static Dataset<Row> fx(SparkSession spark, String... dayCurrencyRate) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < dayCurrencyRate.length; i += 3) {
      rows.add(RowFactory.create(Date.valueOf(dayCurrencyRate[i]), dayCurrencyRate[i + 1],
          new BigDecimal(dayCurrencyRate[i + 2]), Date.valueOf(dayCurrencyRate[i]), "fixture"));
    }
    return spark.createDataFrame(rows, StagedTables.FX_RATES.schema());
  }

  private static Date date(String day) {
    return day == null ? null : Date.valueOf(day);
  }
}
