package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Adds deliberately bad rows to a CSV source: for each good row, with probability {@code rate}, one
 * extra row derived from it and broken in exactly one way. Bad rows other than duplicates get a
 * fresh id (where the source has one) so that they are never also duplicates.
 */
final class BadRowPlanter {
  /** How one CSV source can be broken; a column name of null means the kind does not apply. */
  record Spec(RawFeed source, String idColumn, String requiredColumn, String typedColumn, String wrongValue,
      String accountColumn, String currencyColumn, String amountColumn, boolean duplicates) {

    List<String> kinds() {
      List<String> kinds = new ArrayList<>();
      kinds.add(BadRecordKind.MISSING_FIELD);
      kinds.add(BadRecordKind.WRONG_TYPE);
      if (accountColumn != null) {
        kinds.add(BadRecordKind.UNKNOWN_ACCOUNT);
      }
      if (currencyColumn != null) {
        kinds.add(BadRecordKind.UNKNOWN_CURRENCY);
      }
      if (amountColumn != null) {
        kinds.add(BadRecordKind.NEGATIVE_AMOUNT);
      }
      if (duplicates) {
        kinds.add(BadRecordKind.DUPLICATE);
      }
      return kinds;
    }
  }

  static final List<Spec> SPECS = List.of(
      new Spec(RawFeed.SUBSCRIPTIONS, "subscription_id", "account_id", "unit_amount", "12,5x",
          "account_id", "currency", "unit_amount", true),
      new Spec(RawFeed.INVOICES, "invoice_id", "invoice_date", "amount", "12,5x",
          "account_id", "currency", "amount", true),
      new Spec(RawFeed.FX_RATES, null, "rate_to_usd", "rate_to_usd", "n/a", null, "currency", "rate_to_usd", false),
      new Spec(RawFeed.CRM_ACCOUNTS, null, "account_id", "employee_count", "lots", null, null, null, true),
      new Spec(RawFeed.SUPPORT_TICKETS, "ticket_id", "account_id", "created_at", "yesterday",
          "account_id", null, null, true),
      new Spec(RawFeed.NPS_RESPONSES, "response_id", "account_id", "score", "ten", "account_id", null, null, true),
      new Spec(RawFeed.RECORD_COUNTS, null, "account_id", "records_created", "12,5x", "account_id", null, null, true),
      new Spec(RawFeed.CONFIG_SNAPSHOTS, null, "account_id", "enabled", "maybe", "account_id", null, null, true));

  private BadRowPlanter() {}

  static Spec spec(RawFeed source) {
    return SPECS.stream().filter(s -> s.source() == source).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no bad-row spec for " + source));
  }

  /** Appends the bad rows to {@code rows} and counts them in {@code tally}. */
  static void plant(CsvRows rows, double rate, long seed, BadRecordTally tally) {
    Spec spec = spec(rows.source);
    tally.declareSource(rows.source.sourceName());
    List<CsvRows.Row> good = List.copyOf(rows.rows());
    List<String> kinds = spec.kinds();
    for (int i = 0; i < good.size(); i++) {
      SplittableRandom r = Seeds.random(seed, Seeds.BILLING_BAD, rows.source.ordinal(), i);
      if (r.nextDouble() >= rate) {
        continue;
      }
      String kind = kinds.get(r.nextInt(kinds.size()));
      CsvRows.Row row = good.get(i);
      rows.addRow(new CsvRows.Row(row.deliveryDate(), broken(spec, row.values(), kind, i, r)));
      tally.addBad(rows.source.sourceName(), kind, 1);
    }
  }

  /** A copy of one row broken in exactly one way. */
  static String[] broken(Spec spec, String[] values, String kind, int n, SplittableRandom r) {
    RawFeed source = spec.source();
    String[] bad = values.clone();
    switch (kind) {
      case BadRecordKind.MISSING_FIELD -> bad[source.column(spec.requiredColumn())] = "";
      case BadRecordKind.WRONG_TYPE -> bad[source.column(spec.typedColumn())] = spec.wrongValue();
      case BadRecordKind.UNKNOWN_ACCOUNT -> bad[source.column(spec.accountColumn())] = BadRecordKind.unknownAccountId(r);
      case BadRecordKind.UNKNOWN_CURRENCY -> bad[source.column(spec.currencyColumn())] = BadRecordKind.UNKNOWN_CURRENCY_CODE;
      case BadRecordKind.NEGATIVE_AMOUNT -> {
        int column = source.column(spec.amountColumn());
        double amount = Math.abs(Double.parseDouble(bad[column]));
        bad[column] = "-" + (amount > 0 ? bad[column].replace("-", "") : "1.00");
      }
      case BadRecordKind.DUPLICATE -> {
        return bad;
      }
      default -> throw new IllegalArgumentException(kind);
    }
    if (spec.idColumn() != null) {
      int id = source.column(spec.idColumn());
      bad[id] = bad[id] + "-b" + n;
    }
    return bad;
  }
}
