package io.churnscope.generator;

import java.time.LocalDate;

/** The mutable state of one subscription while an account's lifecycle is simulated; each change becomes a version. */
final class Subscription {
  final String id;
  final String accountId;
  final String product;
  String plan;
  final String interval;
  int quantity;
  double unitAmount;
  final String currency;
  String status = "active";
  LocalDate trialStart;
  LocalDate trialEnd;
  LocalDate startDate;
  LocalDate cancelRequestedAt;
  LocalDate endedAt;
  String cancelReason = "";
  int version;
  /** Effective date of the latest version: the next version may not take effect earlier. */
  LocalDate lastEffective;

  Subscription(String id, String accountId, String product, String plan, String interval, int quantity,
      double unitAmount, String currency) {
    this.id = id;
    this.accountId = accountId;
    this.product = product;
    this.plan = plan;
    this.interval = interval;
    this.quantity = quantity;
    this.unitAmount = unitAmount;
    this.currency = currency;
  }

  /** Price per seat per billing interval: the monthly list price, or ten months for a year. */
  static double unitPrice(double monthlyListPrice, String interval) {
    return "year".equals(interval) ? monthlyListPrice * 10 : monthlyListPrice;
  }

  int months() {
    return "year".equals(interval) ? 12 : 1;
  }
}
