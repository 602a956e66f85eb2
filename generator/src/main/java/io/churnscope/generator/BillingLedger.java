package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.time.LocalDate;

/**
 * Collects the billing export: subscription versions and invoices, each delivered on the day it was
 * changed or issued. Versions that took effect before the history window arrive in the first
 * delivery (the initial export).
 */
final class BillingLedger {
  final CsvRows subscriptions = new CsvRows(RawFeed.SUBSCRIPTIONS);
  final CsvRows invoices = new CsvRows(RawFeed.INVOICES);
  private final LocalDate historyStart;

  BillingLedger(LocalDate historyStart) {
    this.historyStart = historyStart;
  }

  /** Records the subscription's current state as a new version in force from {@code effective}. */
  void version(Subscription s, LocalDate effective, int secondOfDay) {
    s.version++;
    s.lastEffective = effective;
    LocalDate delivered = effective.isBefore(historyStart) ? historyStart : effective;
    subscriptions.add(delivered, s.id, s.version, s.accountId, s.product, s.plan, s.interval, s.quantity,
        CsvRows.money(s.unitAmount), s.currency, s.status, s.trialStart, s.trialEnd, s.startDate, effective,
        s.cancelRequestedAt, s.endedAt, s.cancelReason, IsoTime.utc(effective, secondOfDay));
  }

  void invoice(Subscription s, int number, LocalDate date, String kind, double amount,
      LocalDate periodStart, LocalDate periodEnd) {
    invoices.add(date, String.format("inv-%s-%04d", s.accountId.substring(4), number), s.id, s.accountId, date,
        kind, CsvRows.money(amount), s.currency, periodStart, periodEnd);
  }
}
