package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Salesforce-style account change export: a row when an account is created (accounts that
 * existed before the history window arrive in the first delivery) and a row each time it is modified
 * later (owner reassigned, revenue or tier updated).
 */
final class CrmExport {
  private CrmExport() {}

  static CsvRows build(GeneratorParams params, List<AccountHistory> histories) {
    CsvRows rows = new CsvRows(RawFeed.CRM_ACCOUNTS);
    LocalDate historyStart = params.historyStart();
    LocalDate end = params.endDate();
    for (AccountHistory h : histories) {
      AccountProfile a = h.profile();
      SplittableRandom r = Seeds.random(params.seed(), Seeds.CRM, a.index(), 0);
      LocalDate created = a.createdDate();
      LocalDate firstDelivery = created.isBefore(historyStart) ? historyStart : created;
      String owner = a.ownerEmail();
      long revenue = a.annualRevenue();
      String tier = a.tier();
      add(rows, firstDelivery, a, owner, revenue, tier, IsoTime.utc(created, 9 * 3600 + r.nextInt(9 * 3600)));
      long span = ChronoUnit.DAYS.between(firstDelivery, end);
      int changes = span <= 1 ? 0 : Draws.poisson(r, span / 240.0);
      long[] offsets = new long[changes];
      for (int i = 0; i < changes; i++) {
        offsets[i] = 1 + r.nextInt((int) span);
      }
      java.util.Arrays.sort(offsets);
      for (long offset : offsets) {
        LocalDate day = firstDelivery.plusDays(offset);
        if (r.nextBoolean()) {
          owner = Draws.pick(r, AccountCatalog.OWNERS) + "@churnscope-demo.example";
        } else {
          revenue = Math.round(revenue * (0.9 + 0.3 * r.nextDouble()) / 1000.0) * 1000;
        }
        tier = h.plan().equals("enterprise") ? "tier_1" : h.plan().equals("growth") ? "tier_2" : "tier_3";
        add(rows, day, a, owner, revenue, tier, IsoTime.utc(day, 9 * 3600 + r.nextInt(9 * 3600)));
      }
    }
    return rows;
  }

  private static void add(CsvRows rows, LocalDate delivery, AccountProfile a, String owner, long revenue, String tier,
      String modifiedAt) {
    rows.add(delivery, a.accountId(), a.accountName(), a.parentAccountId(), a.createdDate(), a.channel(), a.campaign(),
        a.country(), a.state(), a.industry(), a.employeeCount(), revenue, owner, tier, modifiedAt);
  }
}
