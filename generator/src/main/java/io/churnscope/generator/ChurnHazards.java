package io.churnscope.generator;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The true churn hazards the generator drew against ({@code _generator/churn_hazards.csv}) and the
 * oracle built on them: the probability that a customer churns within a horizon given everything
 * latent at the snapshot. Ranking customers by it gives the oracle AUC, the ceiling no model of the
 * lake's data can beat (see docs/generator.md).
 *
 * <p>The file has one row per paying customer and monthly anniversary inside the history window, up to
 * and including the anniversary whose draw churned it: {@code account_id}, {@code customer_start} (first
 * paid day; anniversary n is customer_start + n months), {@code month} (n), {@code anniversary},
 * {@code hazard} (the probability drawn against), {@code calm_hazard} and {@code distress_hazard} (the hazard
 * outside and inside a distress episode's hazard months at that anniversary), {@code distress_onset} and
 * {@code distress_month} (the episode the customer is in and the months since its onset, empty outside one),
 * and on the churning row {@code churn_date} and {@code cancel_requested_at}.
 */
public final class ChurnHazards {
  public static final String FILE = "churn_hazards.csv";
  static final List<String> COLUMNS = List.of("account_id", "customer_start", "month", "anniversary", "hazard",
      "calm_hazard", "distress_hazard", "distress_onset", "distress_month", "churn_date", "cancel_requested_at");

  private record Row(int month, LocalDate anniversary, double hazard, double calm, double distress, LocalDate onset,
      int episodeMonth) {}

  private static final class Account {
    LocalDate customerStart;
    final List<Row> rows = new ArrayList<>();
    LocalDate churnDate;
    /** The first day the churn could be known: its anniversary, its cancellation request or its usage fade. */
    LocalDate decided;
  }

  private final Map<String, Account> accounts;
  private final double onsetProbability;

  private ChurnHazards(Map<String, Account> accounts, double onsetProbability) {
    this.accounts = accounts;
    this.onsetProbability = onsetProbability;
  }

  /**
   * Reads {@code <lake>/_generator/churn_hazards.csv} and the run's onset probability from ground_truth.json;
   * the lake is a local path (or a {@code file:} URI).
   */
  public static ChurnHazards read(String lakePath) throws IOException {
    Path lake = lakePath.startsWith("file:") ? Path.of(URI.create(lakePath)) : Path.of(lakePath);
    Path dir = lake.resolve("_generator");
    com.fasterxml.jackson.databind.JsonNode truth = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve(GroundTruth.JSON_FILE).toFile());
    double p = truth.path("churn_drivers").path("onset_probability").asDouble(Double.NaN);
    if (Double.isNaN(p)) {
      throw new IOException(dir.resolve(GroundTruth.JSON_FILE) + " has no churn_drivers.onset_probability");
    }
    String usageStart = truth.path("parameters").path("usage_start").asText("");
    return parse(Files.readAllLines(dir.resolve(FILE)), p, usageStart.isEmpty() ? LocalDate.MIN : LocalDate.parse(usageStart));
  }

  /** Parses the lines of a churn_hazards.csv, header first, of a lake with this onset probability and usage on every day. */
  public static ChurnHazards parse(List<String> lines, double onsetProbability) {
    return parse(lines, onsetProbability, LocalDate.MIN);
  }

  /**
   * Parses the lines of a churn_hazards.csv of a lake whose usage begins on {@code usageStart}: a churn's
   * usage fade decides it only where the lake shows the fade (from the later of its first day and the
   * usage start), so the oracle knows no more than the lake's raw data could tell a model.
   */
  public static ChurnHazards parse(List<String> lines, double onsetProbability, LocalDate usageStart) {
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    if (!header.equals(COLUMNS)) {
      throw new IllegalArgumentException(FILE + ": header " + header + ", expected " + COLUMNS);
    }
    Map<String, Account> accounts = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isEmpty()) {
        continue;
      }
      String[] v = line.split(",", -1);
      Account a = accounts.computeIfAbsent(v[0], k -> new Account());
      a.customerStart = LocalDate.parse(v[1]);
      Row row = new Row(Integer.parseInt(v[2]), LocalDate.parse(v[3]), Double.parseDouble(v[4]),
          Double.parseDouble(v[5]), Double.parseDouble(v[6]), date(v[7]), v[8].isEmpty() ? -1 : Integer.parseInt(v[8]));
      if (!a.rows.isEmpty() && row.month() != a.rows.get(a.rows.size() - 1).month() + 1) {
        throw new IllegalArgumentException(FILE + ": " + v[0] + " month " + row.month() + " does not follow the last");
      }
      a.rows.add(row);
      if (!v[9].isEmpty()) {
        a.churnDate = LocalDate.parse(v[9]);
        LocalDate decided = row.anniversary();
        LocalDate fade = a.churnDate.minusDays(UsageModel.DECLINE_DAYS - 1L);
        fade = fade.isBefore(usageStart) ? usageStart : fade;
        decided = fade.isBefore(decided) && fade.isBefore(a.churnDate) ? fade : decided;
        LocalDate requested = date(v[10]);
        a.decided = requested != null && requested.isBefore(decided) ? requested : decided;
      }
    }
    return new ChurnHazards(accounts, onsetProbability);
  }

  /** The accounts with at least one anniversary in the history window (paying customers). */
  public Set<String> accountIds() {
    return Collections.unmodifiableSet(accounts.keySet());
  }

  /** Every row's applied hazard, in file order: the hazards the churn draws were made against. */
  public double[] appliedHazards() {
    return accounts.values().stream().flatMap(a -> a.rows.stream()).mapToDouble(Row::hazard).toArray();
  }

  /**
   * The true probability that the account churns in (snapshot, snapshot + horizonDays], given its latent
   * state at the snapshot: {@link #hazardProbability}, except that a churn already decided by the snapshot
   * is certain (1 if its churn date is inside the horizon, else 0). A churn is decided from the earliest
   * of its anniversary's draw, its cancellation request and the first day of the 28-day usage fade before
   * it that the lake's usage window holds, since each shows in the raw data (or follows from the draw)
   * from then on.
   */
  public double probability(String accountId, LocalDate snapshot, int horizonDays) {
    Account a = accounts.get(accountId);
    if (a != null && a.decided != null && !a.decided.isAfter(snapshot)) {
      return a.churnDate.isAfter(snapshot) && !a.churnDate.isAfter(snapshot.plusDays(horizonDays)) ? 1 : 0;
    }
    return hazardProbability(accountId, snapshot, horizonDays);
  }

  /**
   * 1 − the probability of surviving every anniversary in (snapshot, snapshot + horizonDays]: in the months
   * of a distress episode begun on or before the snapshot, the calm hazard (onset and the month after) or
   * the distress hazard (its hazard months); outside it, the expectation over episodes not yet begun —
   * from each anniversary an onset with probability p, so the survival is summed over the distress
   * chain's paths ({@link DistressChain}). Anniversaries after the file's last row for the account (after
   * its churn or end-date) take that row's calm and distress hazards. 0 for accounts not in the file or
   * with no anniversary in the horizon (before the history window, no hazard applies).
   */
  public double hazardProbability(String accountId, LocalDate snapshot, int horizonDays) {
    if (horizonDays <= 0) {
      throw new IllegalArgumentException("horizon " + horizonDays + " days: must be positive");
    }
    Account a = accounts.get(accountId);
    if (a == null) {
      return 0;
    }
    LocalDate until = snapshot.plusDays(horizonDays);
    Row first = a.rows.get(0);
    Row last = a.rows.get(a.rows.size() - 1);
    Row lastBefore = null;
    Row firstAfter = null;
    for (Row row : a.rows) {
      if (!row.anniversary().isAfter(snapshot)) {
        lastBefore = row;
      } else {
        firstAfter = row;
        break;
      }
    }
    // The episode begun by the snapshot, seen from the anniversary before it or (before the window) after it.
    int knownOnsetMonth = Integer.MIN_VALUE;
    if (lastBefore != null && lastBefore.onset() != null) {
      knownOnsetMonth = lastBefore.month() - lastBefore.episodeMonth();
    } else if (firstAfter != null && firstAfter.onset() != null && !firstAfter.onset().isAfter(snapshot)) {
      knownOnsetMonth = firstAfter.month() - firstAfter.episodeMonth();
    }
    double known = 1;
    double[] chain = null;
    int month = 0;
    if (lastBefore != null) {
      month = lastBefore.month() + 1;
    } else {
      while (!a.customerStart.plusMonths(month).isAfter(snapshot)) {
        month++;
      }
    }
    for (; !a.customerStart.plusMonths(month).isAfter(until); month++) {
      // Before the window no hazard applies, but episodes may begin (a new customer's month 0 included).
      Row row = month < first.month() ? null : month <= last.month() ? a.rows.get(month - first.month()) : last;
      double calm = row == null ? 0 : row.calm();
      double distress = row == null ? 0 : row.distress();
      int episodeMonth = month - knownOnsetMonth;
      if (knownOnsetMonth != Integer.MIN_VALUE && episodeMonth <= DistressEpisodes.LAST_HAZARD_MONTH) {
        known *= 1 - (DistressChain.distressed(episodeMonth) ? distress : calm);
      } else {
        chain = DistressChain.step(chain == null ? DistressChain.start() : chain, calm, distress, onsetProbability);
      }
    }
    double uncertain = chain == null ? 1 : Arrays.stream(chain).sum();
    return 1 - known * uncertain;
  }

  /**
   * Area under the ROC curve of {@code scores} against {@code positives}: the probability that a random
   * positive scores above a random negative, ties counting one half (Mann–Whitney, with average ranks).
   */
  public static double auc(double[] scores, boolean[] positives) {
    if (scores.length != positives.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + positives.length + " labels");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(scores[x], scores[y]));
    double positiveRanks = 0;
    long positiveCount = 0;
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + 1 + j) / 2.0;
      for (int k = i; k < j; k++) {
        if (positives[order[k]]) {
          positiveRanks += rank;
          positiveCount++;
        }
      }
      i = j;
    }
    long negativeCount = scores.length - positiveCount;
    if (positiveCount == 0 || negativeCount == 0) {
      throw new IllegalArgumentException("AUC needs positives and negatives: " + positiveCount + " and " + negativeCount);
    }
    return (positiveRanks - positiveCount * (positiveCount + 1) / 2.0) / (positiveCount * (double) negativeCount);
  }

  private static LocalDate date(String text) {
    return text.isEmpty() ? null : LocalDate.parse(text);
  }
}
