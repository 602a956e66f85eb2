package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Support tickets (exported on the day they close) and NPS responses at background rates that depend
 * on no segment attribute, plus the leading signals of distress episodes ({@link DistressEpisodes}): high
 * or urgent tickets (escalations) all through the episode and a detractor response early in it. Nothing
 * here depends on the churn date itself, so a model can learn only what the latent distress shows.
 */
final class SupportAndSurvey {
  static final String[] PRIORITIES = {"low", "normal", "high", "urgent"};
  static final double[] PRIORITY_WEIGHTS = {0.3, 0.45, 0.2, 0.05};
  static final String[] CATEGORIES = {"billing", "bug", "how_to", "integration", "performance", "account"};
  static final String[] DETRACTOR_COMMENTS = {"", "", "Too expensive, for what we use", "Support was slow",
      "Reports are hard to find", "Missing a Salesforce sync"};
  static final String[] COMMENTS = {"", "", "", "Great product", "Too expensive, for what we use",
      "Love the \"automation\" feature", "Support was slow", "Reports are hard to find", "Works well; onboarding was easy",
      "Missing a Salesforce sync"};

  private SupportAndSurvey() {}

  static CsvRows tickets(GeneratorParams params, List<AccountHistory> histories, UsageModel model) {
    CsvRows rows = new CsvRows(RawFeed.SUPPORT_TICKETS);
    LocalDate end = params.endDate();
    for (AccountHistory h : histories) {
      LocalDate from = h.activeFrom();
      if (from == null) {
        continue;
      }
      SplittableRandom r = Seeds.random(params.seed(), Seeds.SUPPORT, h.profile().index(), 0);
      LocalDate start = from.isBefore(params.historyStart()) ? params.historyStart() : from;
      LocalDate until = h.activeUntil() == null ? end : h.activeUntil().minusDays(1);
      int n = 0;
      for (LocalDate month = start; !month.isAfter(until); month = month.plusMonths(1)) {
        double mean = 0.25 + 0.04 * Math.sqrt(h.seats());
        int count = Draws.poisson(r, mean);
        for (int i = 0; i < count; i++) {
          long createdSecond = month.toEpochDay() * 86_400L + r.nextInt(28) * 86_400L + 8 * 3600 + r.nextInt(10 * 3600);
          long closedSecond = createdSecond + 1800 + (long) Draws.exponential(r, 30 * 3600);
          LocalDate closedDay = LocalDate.ofEpochDay(Math.floorDiv(closedSecond, 86_400L));
          if (closedDay.isAfter(end) || LocalDate.ofEpochDay(createdSecond / 86_400L).isAfter(until)) {
            continue;
          }
          String csat = r.nextDouble() < 0.6 ? String.valueOf(Draws.between(r, 3, 5)) : "";
          rows.add(closedDay, String.format("tkt-%s-%03d", h.profile().accountId().substring(4), ++n),
              h.profile().accountId(), model.someUserOf(h.profile().index(), r),
              IsoTime.withOffset(createdSecond * 1000, 0), IsoTime.withOffset(closedSecond * 1000, 0),
              PRIORITIES[Draws.weighted(r, PRIORITY_WEIGHTS)], Draws.pick(r, CATEGORIES), csat);
        }
      }
      for (DistressEpisodes.Episode e : h.distress().episodes) {
        n = distressTickets(rows, params, h, model, e, start, until, n);
      }
    }
    return rows;
  }

  /**
   * An episode's high-priority tickets: the first in its first week, the others any day of its five
   * months, each closed within days. Returns the last ticket number.
   */
  private static int distressTickets(CsvRows rows, GeneratorParams params, AccountHistory h, UsageModel model,
      DistressEpisodes.Episode e, LocalDate start, LocalDate until, int n) {
    SplittableRandom r = e.signalStream(params.seed(), h.profile().index(), 1);
    for (int i = 0; i < e.tickets(); i++) {
      LocalDate created = e.onset().plusDays(
          r.nextInt((i == 0 ? DistressEpisodes.FIRST_TICKET_LAST_DAY : DistressEpisodes.TICKET_LAST_DAY) + 1));
      long createdSecond = created.toEpochDay() * 86_400L + 8 * 3600 + r.nextInt(10 * 3600);
      long closedSecond = createdSecond + 86_400L
          * Draws.between(r, DistressEpisodes.TICKET_MIN_OPEN_DAYS, DistressEpisodes.TICKET_MAX_OPEN_DAYS)
          + r.nextInt(8 * 3600);
      LocalDate closedDay = LocalDate.ofEpochDay(Math.floorDiv(closedSecond, 86_400L));
      String priority = r.nextDouble() < 0.7 ? "high" : "urgent";
      String category = Draws.pick(r, CATEGORIES);
      String csat = r.nextDouble() < 0.6 ? String.valueOf(Draws.between(r, 1, 3)) : "";
      String user = model.someUserOf(h.profile().index(), r);
      if (created.isBefore(start) || created.isAfter(until) || closedDay.isAfter(params.endDate())) {
        continue;
      }
      rows.add(closedDay, String.format("tkt-%s-%03d", h.profile().accountId().substring(4), ++n),
          h.profile().accountId(), user, IsoTime.withOffset(createdSecond * 1000, 0),
          IsoTime.withOffset(closedSecond * 1000, 0), priority, category, csat);
    }
    return n;
  }

  static CsvRows nps(GeneratorParams params, List<AccountHistory> histories, UsageModel model) {
    CsvRows rows = new CsvRows(RawFeed.NPS_RESPONSES);
    LocalDate end = params.endDate();
    for (AccountHistory h : histories) {
      if (!h.isCustomer()) {
        continue;
      }
      SplittableRandom r = Seeds.random(params.seed(), Seeds.SURVEY, h.profile().index(), 0);
      LocalDate start = h.customerStart().isBefore(params.historyStart()) ? params.historyStart() : h.customerStart();
      LocalDate until = h.churnDate() == null ? end : h.churnDate().minusDays(1);
      int n = 0;
      // A survey goes out each quarter; each seat's user answers with probability 0.2.
      for (LocalDate wave = start.plusDays(30); !wave.isAfter(until); wave = wave.plusMonths(3)) {
        int answers = Draws.poisson(r, 0.2 * h.seats());
        for (int i = 0; i < answers; i++) {
          LocalDate day = wave.plusDays(r.nextInt(7));
          if (day.isAfter(until)) {
            continue;
          }
          int score = Math.min(10, Draws.between(r, 4, 10) + (r.nextBoolean() ? 1 : 0));
          rows.add(day, String.format("nps-%s-%04d", h.profile().accountId().substring(4), ++n),
              h.profile().accountId(), model.someUserOf(h.profile().index(), r),
              IsoTime.utc(day, 8 * 3600 + r.nextInt(12 * 3600)), score, Draws.pick(r, COMMENTS));
        }
      }
      for (DistressEpisodes.Episode e : h.distress().episodes) {
        if (!e.detractor()) {
          continue;
        }
        SplittableRandom d = e.signalStream(params.seed(), h.profile().index(), 2);
        LocalDate day = e.onset().plusDays(
            Draws.between(d, DistressEpisodes.DETRACTOR_FIRST_DAY, DistressEpisodes.DETRACTOR_LAST_DAY));
        int score = Draws.between(d, 0, 6);
        int second = 8 * 3600 + d.nextInt(12 * 3600);
        String user = model.someUserOf(h.profile().index(), d);
        if (!day.isBefore(start) && !day.isAfter(until)) {
          rows.add(day, String.format("nps-%s-%04d", h.profile().accountId().substring(4), ++n),
              h.profile().accountId(), user, IsoTime.utc(day, second), score, Draws.pick(d, DETRACTOR_COMMENTS));
        }
      }
    }
    return rows;
  }
}
