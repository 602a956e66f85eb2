package io.churnscope.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The churn drivers on simulated lifecycles (no Spark, no files): the mean applied hazard is the planted
 * one, inside and outside the hot-spots; distress is independent of the attributes and multiplies churn;
 * the oracle's probabilities on hand-made hazards; and the oracle AUC on a simulated population.
 */
class ChurnDriversTest {
  private static final LocalDate END = LocalDate.parse("2026-10-31");

  /** Every account's lifecycle at the given scale, 24 months of history and monthly hazard. */
  static List<AccountHistory> simulate(double scale, double hazard, long seed) {
    GeneratorParams params = new GeneratorParams(seed, scale, END, 24, 30, 0, hazard, DistressEpisodes.ONSET_PROBABILITY,
        1);
    LifecycleSimulator simulator = new LifecycleSimulator(params, new BillingLedger(params.historyStart()));
    return AccountFactory.create(params).stream().map(simulator::simulate).toList();
  }

  /**
   * Within each planted segment (and outside all), the applied hazards average the planted h = base × lift
   * and the realised churn per anniversary matches them: distress moves churn between customers, never
   * its rate. Tolerance: 4 standard errors, clustered by account (an episode spans 3 anniversaries, so the
   * rows of one account are not independent): se² = Σ_accounts (Σ_rows (x − h))² / n².
   */
  @Test
  void theMeanHazardIsThePlantedOneInsideAndOutsideTheHotspots() {
    for (double base : new double[] {LifecycleSimulator.BASE_MONTHLY_HAZARD, 0.05}) {
      List<AccountHistory> histories = simulate(10, base, 42);
      // per segment: rows, Σ applied, Σ churned, Σ planted, Σ_accounts (Σ applied − planted)², same for churned
      Map<String, double[]> bySegment = new HashMap<>();
      for (AccountHistory h : histories) {
        String segment = h.hotspots().isEmpty() ? "none" : String.join("+", h.hotspots());
        double[] cell = bySegment.computeIfAbsent(segment, k -> new double[6]);
        double appliedGap = 0;
        double churnGap = 0;
        for (int i = 0; i < h.hazards().size(); i++) {
          AnniversaryHazard row = h.hazards().get(i);
          int churned = h.churned() && i == h.hazards().size() - 1 ? 1 : 0;
          cell[0]++;
          cell[1] += row.hazard();
          cell[2] += churned;
          cell[3] += row.plantedHazard();
          appliedGap += row.hazard() - row.plantedHazard();
          churnGap += churned - row.plantedHazard();
        }
        cell[4] += appliedGap * appliedGap;
        cell[5] += churnGap * churnGap;
      }
      for (Map.Entry<String, double[]> e : bySegment.entrySet()) {
        double[] c = e.getValue();
        if (c[0] < 2000) {
          continue;
        }
        double meanApplied = c[1] / c[0];
        double meanPlanted = c[3] / c[0];
        double realised = c[2] / c[0];
        double seApplied = Math.sqrt(c[4]) / c[0];
        double seRealised = Math.sqrt(c[5]) / c[0];
        String report = String.format("base %.4f segment %s: %d anniversaries, planted %.4f, applied %.4f (se %.4f), "
            + "realised %.4f (se %.4f)", base, e.getKey(), (long) c[0], meanPlanted, meanApplied, seApplied, realised,
            seRealised);
        System.out.println(report);
        assertEquals(meanPlanted, meanApplied, 4 * seApplied, report);
        assertEquals(meanPlanted, realised, 4 * seRealised, report);
      }
      assertTrue(bySegment.get("none")[0] > 50_000, "anniversaries outside the hot-spots");
    }
  }

  /**
   * Onsets do not depend on any attribute: the share of anniversaries at an onset is p in every
   * acquisition channel, utilization band and plan (4 standard errors), and the realised churn per
   * anniversary is far higher in an episode's hazard months.
   */
  @Test
  void distressIsIndependentOfTheAttributesAndMultipliesChurn() {
    List<AccountHistory> histories = simulate(10, LifecycleSimulator.BASE_MONTHLY_HAZARD, 7);
    Map<String, long[]> onsets = new HashMap<>();
    long[] hazardMonths = new long[2];
    long[] otherMonths = new long[2];
    for (AccountHistory h : histories) {
      for (int i = 0; i < h.hazards().size(); i++) {
        AnniversaryHazard row = h.hazards().get(i);
        boolean churned = h.churned() && i == h.hazards().size() - 1;
        long[] cell = row.distressed() ? hazardMonths : otherMonths;
        cell[0]++;
        cell[1] += churned ? 1 : 0;
        if (row.episodeMonth() == 0 || row.episodeMonth() < 0) {
          for (String key : List.of("channel=" + h.profile().channel(), "utilization=" + h.profile().utilizationBand(),
              "plan=" + h.profile().plan())) {
            long[] c = onsets.computeIfAbsent(key, k -> new long[2]);
            c[0]++;
            c[1] += row.episodeMonth() == 0 ? 1 : 0;
          }
        }
      }
    }
    double p = DistressEpisodes.ONSET_PROBABILITY;
    for (Map.Entry<String, long[]> e : onsets.entrySet()) {
      long[] c = e.getValue();
      double share = c[1] / (double) c[0];
      double se = Math.sqrt(p * (1 - p) / c[0]);
      System.out.printf("onsets %s: %d of %d calm anniversaries (%.4f)%n", e.getKey(), c[1], c[0], share);
      assertEquals(p, share, 4 * se, e.getKey());
    }
    double inEpisode = hazardMonths[1] / (double) hazardMonths[0];
    double outside = otherMonths[1] / (double) otherMonths[0];
    System.out.printf("churn per anniversary: %.4f in hazard months (%d), %.4f elsewhere (%d): x%.1f%n", inEpisode,
        hazardMonths[0], outside, otherMonths[0], inEpisode / outside);
    assertTrue(inEpisode > 0.6 * DistressEpisodes.HAZARD_MULTIPLIER * outside,
        "churn in hazard months " + inEpisode + " vs " + outside);
  }

  // ---- ChurnHazards on a hand-made file -----------------------------------------------------------

  private static final List<String> HAND_MADE = List.of(String.join(",", ChurnHazards.COLUMNS),
      // calm customer since 2025-01-15, hazards 0.01 / 0.1, no episode
      "acc-1,2025-01-15,10,2025-11-15,0.01,0.01,0.1,,,,",
      "acc-1,2025-01-15,11,2025-12-15,0.01,0.01,0.1,,,,",
      "acc-1,2025-01-15,12,2026-01-15,0.01,0.01,0.1,,,,",
      "acc-1,2025-01-15,13,2026-02-15,0.01,0.01,0.1,,,,",
      // an episode begun 2025-11-15 (month 10): months 12-14 distressed
      "acc-2,2025-01-15,10,2025-11-15,0.01,0.01,0.1,2025-11-15,0,,",
      "acc-2,2025-01-15,11,2025-12-15,0.01,0.01,0.1,2025-11-15,1,,",
      "acc-2,2025-01-15,12,2026-01-15,0.1,0.01,0.1,2025-11-15,2,,",
      "acc-2,2025-01-15,13,2026-02-15,0.1,0.01,0.1,2025-11-15,3,,",
      // churned at its month-12 anniversary (an annual renewal), asked for on 2025-11-25
      "acc-3,2025-01-15,10,2025-11-15,0.01,0.01,0.1,,,,",
      "acc-3,2025-01-15,11,2025-12-15,0.01,0.01,0.1,,,,",
      "acc-3,2025-01-15,12,2026-01-15,0.01,0.01,0.1,,,2026-01-15,2025-11-25");

  @Test
  void probabilitiesOfHandMadeHazards() {
    ChurnHazards hazards = ChurnHazards.parse(HAND_MADE, DistressEpisodes.ONSET_PROBABILITY);
    double p = DistressEpisodes.ONSET_PROBABILITY;
    LocalDate snapshot = LocalDate.parse("2025-11-20");
    // acc-1, calm, 90 days: anniversaries 12-15, 01-15, 02-15. Only an onset at 12-15 reaches a hazard
    // month (02-15) inside the horizon: survival 0.99 x 0.99 x (p x 0.9 + (1 - p) x 0.99).
    double calm = 1 - 0.99 * 0.99 * (p * 0.9 + (1 - p) * 0.99);
    assertEquals(calm, hazards.hazardProbability("acc-1", snapshot, 90), 1e-12);
    // acc-2, in an episode begun before the snapshot: 12-15 calm, 01-15 and 02-15 distressed.
    assertEquals(1 - 0.99 * 0.9 * 0.9, hazards.hazardProbability("acc-2", snapshot, 90), 1e-12);
    // An episode begun after the snapshot is not known: on 2025-11-10 acc-2 looks like acc-1.
    assertEquals(hazards.hazardProbability("acc-1", LocalDate.parse("2025-11-10"), 90),
        hazards.hazardProbability("acc-2", LocalDate.parse("2025-11-10"), 90), 1e-12);
    // 20 days: one calm anniversary (an onset there reaches no hazard month inside the horizon).
    assertEquals(0.01, hazards.hazardProbability("acc-1", snapshot, 30), 1e-12);
    // No anniversary in the horizon, or unknown account.
    assertEquals(0, hazards.hazardProbability("acc-1", snapshot, 20), 0);
    assertEquals(0, hazards.probability("acc-9", snapshot, 90), 0);
    // Beyond the last row (2026-02-15) the last row's hazards go on: 03-15 might be distressed only after
    // an onset on or after 01-15, so from 2026-02-20 one anniversary: the calm 0.01.
    assertEquals(0.01, hazards.hazardProbability("acc-1", LocalDate.parse("2026-02-20"), 30), 1e-12);
    // acc-3 on 2025-11-20 is acc-1 (its 2026-02-15 takes the last row's hazards); once its cancellation is
    // asked for (2025-11-25, before the fade's first day 2025-12-19) its churn on 2026-01-15 is certain.
    assertEquals(calm, hazards.hazardProbability("acc-3", snapshot, 90), 1e-12);
    assertEquals(calm, hazards.probability("acc-3", snapshot, 90), 1e-12);
    assertEquals(1, hazards.probability("acc-3", LocalDate.parse("2025-11-25"), 90), 0);
    assertEquals(0, hazards.probability("acc-3", LocalDate.parse("2025-11-25"), 30), 0);
    assertEquals(0, hazards.probability("acc-3", LocalDate.parse("2026-01-15"), 90), 0);
    // A monthly churn asked for a day before it is decided earlier, by the 28-day fade (first day 27 days before).
    List<String> askedADayBefore = List.of(HAND_MADE.get(0), "acc-4,2025-01-15,10,2025-11-15,0.01,0.01,0.1,,,"
        + "2025-11-15,2025-11-14");
    ChurnHazards fade = ChurnHazards.parse(askedADayBefore, p);
    assertEquals(0.01, fade.probability("acc-4", LocalDate.parse("2025-10-18"), 30), 1e-12);
    assertEquals(1, fade.probability("acc-4", LocalDate.parse("2025-10-19"), 90), 0);
    // On a lake whose usage begins 2025-11-01 the fade shows only from then: not decided before it.
    ChurnHazards lateUsage = ChurnHazards.parse(askedADayBefore, p, LocalDate.parse("2025-11-01"));
    assertEquals(0.01, lateUsage.probability("acc-4", LocalDate.parse("2025-10-19"), 30), 1e-12);
    assertEquals(1, lateUsage.probability("acc-4", LocalDate.parse("2025-11-01"), 90), 0);
    // Usage that begins after the churn shows no fade; the request (2025-11-14) still decides it.
    ChurnHazards noUsage = ChurnHazards.parse(askedADayBefore, p, LocalDate.parse("2026-01-01"));
    assertEquals(0.01, noUsage.probability("acc-4", LocalDate.parse("2025-11-13"), 30), 1e-12);
    assertEquals(1, noUsage.probability("acc-4", LocalDate.parse("2025-11-14"), 90), 0);
    assertThrows(IllegalArgumentException.class, () -> hazards.probability("acc-1", snapshot, 0));
  }

  @Test
  void aucKnownAnswers() {
    assertEquals(1.0, ChurnHazards.auc(new double[] {0.1, 0.2, 0.9}, new boolean[] {false, false, true}), 0);
    assertEquals(0.5, ChurnHazards.auc(new double[] {0.3, 0.3}, new boolean[] {true, false}), 0);
    // positives 0.8, 0.4; negatives 0.5, 0.1: pairs won 3 of 4
    assertEquals(0.75, ChurnHazards.auc(new double[] {0.8, 0.4, 0.5, 0.1}, new boolean[] {true, true, false, false}), 0);
    assertThrows(IllegalArgumentException.class, () -> ChurnHazards.auc(new double[] {1}, new boolean[] {true}));
  }

  /**
   * The oracle AUC for 90-day churn at month-ends of a simulated population (scale 5, the default
   * hazard): customers paying on the snapshot, positive when their churn date falls in the next 90 days.
   */
  @Test
  void theOracleRanksChurnersFarAboveChance() {
    List<AccountHistory> histories = simulate(5, LifecycleSimulator.BASE_MONTHLY_HAZARD, 42);
    ChurnHazards hazards = ChurnHazards.parse(List.of(
        new GroundTruth(Map.of(), histories).hazardsCsv().split("\n")), DistressEpisodes.ONSET_PROBABILITY);
    for (LocalDate snapshot = END.minusMonths(12).withDayOfMonth(1).minusDays(1); snapshot.isBefore(END.minusDays(90));
        snapshot = snapshot.plusDays(1).plusMonths(3).minusDays(1)) {
      List<Double> oracle = new ArrayList<>();
      List<Double> hazardOnly = new ArrayList<>();
      List<Boolean> labels = new ArrayList<>();
      for (AccountHistory h : histories) {
        if (!h.isCustomer() || h.customerStart().isAfter(snapshot)
            || (h.churned() && !h.churnDate().isAfter(snapshot))) {
          continue;
        }
        String id = h.profile().accountId();
        oracle.add(hazards.probability(id, snapshot, 90));
        hazardOnly.add(hazards.hazardProbability(id, snapshot, 90));
        labels.add(h.churned() && !h.churnDate().isAfter(snapshot.plusDays(90)));
      }
      boolean[] y = new boolean[labels.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = labels.get(i);
      }
      double auc = ChurnHazards.auc(oracle.stream().mapToDouble(Double::doubleValue).toArray(), y);
      double aucHazard = ChurnHazards.auc(hazardOnly.stream().mapToDouble(Double::doubleValue).toArray(), y);
      long positives = labels.stream().filter(b -> b).count();
      System.out.printf("oracle AUC, 90-day churn after %s: %.3f (hazard only %.3f), %d customers, %d churned%n",
          snapshot, auc, aucHazard, y.length, positives);
      assertTrue(positives >= 30, "positives " + positives);
      assertTrue(aucHazard > 0.7, "hazard-only oracle AUC " + aucHazard);
      assertTrue(auc >= aucHazard, "knowing decided churns cannot hurt: " + auc + " < " + aucHazard);
    }
  }

  /** --distress-onset 0: no episodes, and every hazard is the planted one, as before the drivers. */
  @Test
  void withoutDistressTheHazardIsThePlantedOne() {
    GeneratorParams params = new GeneratorParams(5, 1, END, 24, 30, 0, 0.05, 0, 1);
    LifecycleSimulator simulator = new LifecycleSimulator(params, new BillingLedger(params.historyStart()));
    long rows = 0;
    for (AccountProfile profile : AccountFactory.create(params)) {
      AccountHistory h = simulator.simulate(profile);
      assertTrue(h.distress().episodes.isEmpty(), profile.accountId());
      for (AnniversaryHazard row : h.hazards()) {
        assertEquals(row.plantedHazard(), row.hazard(), 0, profile.accountId() + " " + row.anniversary());
        rows++;
      }
    }
    assertTrue(rows > 5_000, "anniversaries " + rows);
  }

  @Test
  void trialOnlyAccountsHaveNoHazards() {
    for (AccountHistory h : simulate(0.2, LifecycleSimulator.BASE_MONTHLY_HAZARD, 3)) {
      if (!h.isCustomer()) {
        assertTrue(h.hazards().isEmpty() && h.distress().episodes.isEmpty(), h.profile().accountId());
        assertNull(h.cancelRequested());
      }
    }
  }
}
