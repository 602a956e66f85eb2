package io.churnscope.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The churn drivers as they show in a generated lake's raw files (scale 0.4, 24 months of history, 180
 * days of light usage, seed 42): each distress signal at its documented rate, the truth files agreeing
 * with each other, and the oracle AUC.
 *
 * <p>The signals share their raw files with background records (every customer answers NPS surveys, opens
 * tickets, sometimes pays late), so a rate is measured as the share of episodes whose signal window holds
 * such a record, s, against the share of calm windows of the same shape that do, b: the planted
 * probability is (s − b) / (1 − b), judged within 4 standard errors of s (binomial, divided by 1 − b).
 * Only windows that no censoring can reach are counted: inside the history, before end-date and before
 * the account's churn.
 */
class ChurnDriversLakeTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate END = LocalDate.parse("2026-10-31");
  private static final int USAGE_DAYS = 180;

  @TempDir
  static Path tmp;
  private static Path lake;
  private static JsonNode truth;
  private static LocalDate historyStart;
  private static Map<String, LocalDate> churnDates = new HashMap<>();
  private static Map<String, List<String[]>> hazardRows = new TreeMap<>();
  /** account → onsets of its episodes (from churn_hazards.csv), with the onset's month. */
  private static Map<String, Map<LocalDate, Integer>> onsets = new TreeMap<>();

  @BeforeAll
  static void generate() throws Exception {
    lake = tmp.resolve("lake");
    SampleLakeGenerator.Args args = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(args).build().parse("--lake", lake.toString(), "--scale", "0.4", "--seed", "42",
        "--usage-days", String.valueOf(USAGE_DAYS), "--history-months", "24", "--end-date", END.toString(),
        "--bad-record-rate", "0", "--usage-intensity", "0.05");
    args.validate();
    SampleLakeGenerator.run(spark(), args);
    truth = JSON.readTree(lake.resolve("_generator/ground_truth.json").toFile());
    historyStart = LocalDate.parse(truth.path("parameters").path("history_start").asText());
    for (Map<String, String> row : csv(lake.resolve("_generator/accounts_truth.csv"))) {
      if (!row.get("churn_date").isEmpty()) {
        churnDates.put(row.get("account_id"), LocalDate.parse(row.get("churn_date")));
      }
    }
    List<String> lines = Files.readAllLines(lake.resolve("_generator/" + ChurnHazards.FILE));
    assertEquals(String.join(",", ChurnHazards.COLUMNS), lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      hazardRows.computeIfAbsent(v[0], k -> new ArrayList<>()).add(v);
      if (!v[7].isEmpty()) {
        onsets.computeIfAbsent(v[0], k -> new TreeMap<>())
            .put(LocalDate.parse(v[7]), Integer.parseInt(v[2]) - Integer.parseInt(v[8]));
      }
    }
  }

  @Test
  void theHazardFileAgreesWithTheTruth() {
    double sum = 0;
    long rows = 0;
    for (Map.Entry<String, List<String[]>> e : hazardRows.entrySet()) {
      List<String[]> account = e.getValue();
      for (int i = 0; i < account.size(); i++) {
        String[] v = account.get(i);
        sum += Double.parseDouble(v[4]);
        rows++;
        boolean last = i == account.size() - 1;
        LocalDate churn = churnDates.get(e.getKey());
        String expected = last && churn != null ? churn.toString() : "";
        assertEquals(expected, v[9], e.getKey() + " churn_date on row " + v[3]);
        LocalDate anniversary = LocalDate.parse(v[3]);
        assertEquals(anniversary, LocalDate.parse(v[1]).plusMonths(Integer.parseInt(v[2])), "anniversary = start + month");
        assertTrue(!anniversary.isBefore(historyStart) && !anniversary.isAfter(END), "anniversary in the history " + v[3]);
        double hazard = Double.parseDouble(v[4]);
        double expectedHazard = !v[8].isEmpty() && Integer.parseInt(v[8]) >= DistressEpisodes.FIRST_HAZARD_MONTH
            ? Double.parseDouble(v[6]) : Double.parseDouble(v[5]);
        assertEquals(expectedHazard, hazard, 0, e.getKey() + " hazard on " + v[3]);
      }
    }
    JsonNode counts = truth.path("churn_drivers").path("counts");
    assertEquals(counts.path("anniversaries").asLong(), rows);
    assertEquals(counts.path("mean_applied_hazard").asDouble(), sum / rows, 1e-12);
    long churnedInFile = hazardRows.values().stream().filter(a -> !a.get(a.size() - 1)[9].isEmpty()).count();
    assertEquals(truth.path("counts").path("churned").asLong(), churnedInFile, "every churn on its hazard row");
    System.out.printf("churn_drivers counts: %s%n", counts);
  }

  /** A detractor NPS response (0–6) 7–60 days after the onset with probability 0.6. */
  @Test
  void episodesAnswerNpsAsDetractors() throws IOException {
    Map<String, List<LocalDate>> detractors = new HashMap<>();
    for (String record : RawFiles.records(lake, RawFeed.NPS_RESPONSES)) {
      String[] v = record.substring(record.indexOf('\t') + 1).split(",", 6);
      if (Integer.parseInt(v[4]) <= 6) {
        detractors.computeIfAbsent(v[1], k -> new ArrayList<>()).add(OffsetDateTime.parse(v[3]).toLocalDate());
      }
    }
    judge("detractor NPS", DistressEpisodes.DETRACTOR_PROBABILITY, DistressEpisodes.DETRACTOR_LAST_DAY,
        (account, start) -> detractors.getOrDefault(account, List.of()).stream().anyMatch(d ->
            !d.isBefore(start.plusDays(DistressEpisodes.DETRACTOR_FIRST_DAY))
                && !d.isAfter(start.plusDays(DistressEpisodes.DETRACTOR_LAST_DAY))));
  }

  /** High or urgent tickets opened 0–45 days after the onset (open 14–42 days) with probability 0.6. */
  @Test
  void episodesOpenHighPriorityTickets() throws IOException {
    Map<String, List<LocalDate>> opened = new HashMap<>();
    for (String record : RawFiles.records(lake, RawFeed.SUPPORT_TICKETS)) {
      String[] v = record.substring(record.indexOf('\t') + 1).split(",", -1);
      if (v[5].equals("high") || v[5].equals("urgent")) {
        opened.computeIfAbsent(v[1], k -> new ArrayList<>()).add(OffsetDateTime.parse(v[3]).toLocalDate());
      }
    }
    judge("high-priority tickets", DistressEpisodes.TICKET_PROBABILITY,
        DistressEpisodes.TICKET_LAST_DAY + DistressEpisodes.TICKET_MAX_OPEN_DAYS + 1,
        (account, start) -> opened.getOrDefault(account, List.of()).stream().anyMatch(d ->
            !d.isBefore(start) && !d.isAfter(start.plusDays(DistressEpisodes.TICKET_LAST_DAY))));
  }

  /** A past-due version from the day after the anniversary one month after the onset, with probability 0.35. */
  @Test
  void episodesPayLate() throws IOException {
    Set<String> pastDue = new HashSet<>();
    List<String> header = RawFeed.SUBSCRIPTIONS.header();
    for (String record : RawFiles.records(lake, RawFeed.SUBSCRIPTIONS)) {
      String[] v = record.substring(record.indexOf('\t') + 1).split(",", -1);
      if ("past_due".equals(v[header.indexOf("status")])) {
        pastDue.add(v[header.indexOf("account_id")] + "|" + v[header.indexOf("effective_date")]);
      }
    }
    // The window starts at the anniversary a month after the onset (for calm windows: a month after a calm one).
    judgeAtMonth("past due", DistressEpisodes.PAST_DUE_PROBABILITY, DistressEpisodes.PAST_DUE_MONTH,
        DistressEpisodes.PAST_DUE_MAX_DAYS, (account, anniversary) -> pastDue.contains(account + "|" + anniversary.plusDays(1)));
  }

  /**
   * Usage: daily logins (server-log auth.login, one per active user-day) in the 28 days from 60 days after
   * the onset, against the 28 days before it. Activity there is the floor or on its way to it (days to the
   * floor are 60–90), so the expected ratio is about 0.35; calm windows of the same shape stay near 1.
   */
  @Test
  void episodesFadeUsage() throws IOException {
    Map<String, Map<LocalDate, Integer>> logins = new HashMap<>();
    for (String record : RawFiles.records(lake, RawFeed.SERVER_LOGS)) {
      JsonNode node = JSON.readTree(record.substring(record.indexOf('\t') + 1));
      if ("auth.login".equals(node.path("action").asText())) {
        logins.computeIfAbsent(node.path("account_id").asText(), k -> new HashMap<>())
            .merge(OffsetDateTime.parse(node.path("ts").asText()).toLocalDate(), 1, Integer::sum);
      }
    }
    LocalDate usageStart = END.minusDays(USAGE_DAYS - 1L);
    long[] episode = new long[3];
    long[] calm = new long[3];
    for (Map.Entry<String, List<String[]>> e : hazardRows.entrySet()) {
      String account = e.getKey();
      for (String[] v : e.getValue()) {
        LocalDate a = LocalDate.parse(v[3]);
        boolean isOnset = "0".equals(v[8]);
        boolean isCalm = v[7].isEmpty() && quiet(account, a, 150);
        LocalDate churn = churnDates.get(account);
        if ((!isOnset && !isCalm) || a.minusDays(28).isBefore(usageStart) || a.plusDays(88).isAfter(END)
            || (churn != null && !churn.isAfter(a.plusDays(88 + UsageModel.DECLINE_DAYS)))) {
          continue;
        }
        long[] cell = isOnset ? episode : calm;
        cell[0]++;
        cell[1] += logins(logins.get(account), a.minusDays(28), a);
        cell[2] += logins(logins.get(account), a.plusDays(60), a.plusDays(88));
      }
    }
    double episodeRatio = episode[2] / (double) episode[1];
    double calmRatio = calm[2] / (double) calm[1];
    String report = String.format("logins 60-88 days after / 28 days before: episodes %.2f (%d onsets, %d -> %d), "
        + "calm %.2f (%d anniversaries, %d -> %d)", episodeRatio, episode[0], episode[1], episode[2], calmRatio, calm[0],
        calm[1], calm[2]);
    System.out.println(report);
    assertTrue(episode[0] >= 8, "enough episodes in the usage window: " + report);
    assertTrue(episodeRatio < 0.55, report);
    assertTrue(calmRatio > 0.85 && calmRatio < 1.15, report);
  }

  /**
   * The oracle AUC for 90-day churn, pooled over the month-ends of the last 18 months whose horizon has
   * passed: customers paying on the month-end, positive when their churn date falls in the next 90 days.
   */
  @Test
  void theOracleAucOnTheLake() throws IOException {
    ChurnHazards hazards = ChurnHazards.read(lake.toString());
    Map<String, LocalDate> starts = new HashMap<>();
    hazardRows.forEach((account, rows) -> starts.put(account, LocalDate.parse(rows.get(0)[1])));
    List<double[]> scored = new ArrayList<>();
    int snapshots = 0;
    for (LocalDate s = END.minusMonths(18).withDayOfMonth(1).minusDays(1); !s.plusDays(90).isAfter(END);
        s = s.plusDays(1).plusMonths(1).minusDays(1)) {
      snapshots++;
      for (Map.Entry<String, LocalDate> e : starts.entrySet()) {
        LocalDate churn = churnDates.get(e.getKey());
        if (e.getValue().isAfter(s) || (churn != null && !churn.isAfter(s))) {
          continue;
        }
        boolean positive = churn != null && !churn.isAfter(s.plusDays(90));
        scored.add(new double[] {hazards.probability(e.getKey(), s, 90), hazards.hazardProbability(e.getKey(), s, 90),
            positive ? 1 : 0});
      }
    }
    boolean[] labels = new boolean[scored.size()];
    double[] oracle = new double[scored.size()];
    double[] hazardOnly = new double[scored.size()];
    for (int i = 0; i < labels.length; i++) {
      oracle[i] = scored.get(i)[0];
      hazardOnly[i] = scored.get(i)[1];
      labels[i] = scored.get(i)[2] == 1;
    }
    long positives = scored.stream().filter(x -> x[2] == 1).count();
    double auc = ChurnHazards.auc(oracle, labels);
    double aucHazard = ChurnHazards.auc(hazardOnly, labels);
    System.out.printf("oracle AUC (90-day churn, %d month-ends pooled, %d customer-snapshots, %d positive): %.3f; "
        + "hazard only %.3f%n", snapshots, labels.length, positives, auc, aucHazard);
    assertTrue(positives >= 50, "positives " + positives);
    assertTrue(aucHazard > 0.7, "hazard-only oracle AUC " + aucHazard);
  }

  // ---- judging a signal against calm windows ------------------------------------------------------

  private static void judge(String signal, double planted, int windowDays, BiPredicate<String, LocalDate> hit) {
    judgeAtMonth(signal, planted, 0, windowDays, hit);
  }

  /**
   * Episodes: onsets in the history whose window (from the anniversary {@code month} months after the
   * onset, {@code windowDays} long) ends before end-date and the churn. Calm windows: the same from calm
   * anniversaries with no onset within 150 days either side.
   */
  private static void judgeAtMonth(String signal, double planted, int month, int windowDays,
      BiPredicate<String, LocalDate> hit) {
    long[] episode = new long[2];
    long[] calm = new long[2];
    for (Map.Entry<String, List<String[]>> e : hazardRows.entrySet()) {
      String account = e.getKey();
      LocalDate start = LocalDate.parse(e.getValue().get(0)[1]);
      for (String[] v : e.getValue()) {
        LocalDate a = LocalDate.parse(v[3]);
        boolean isOnset = "0".equals(v[8]);
        boolean isCalm = v[7].isEmpty() && quiet(account, a, 150);
        int m = Integer.parseInt(v[2]);
        LocalDate from = start.plusMonths(m + month);
        LocalDate churn = churnDates.get(account);
        if ((!isOnset && !isCalm) || from.isBefore(historyStart) || from.plusDays(windowDays).isAfter(END)
            || (churn != null && !churn.isAfter(from.plusDays(windowDays)))) {
          continue;
        }
        long[] cell = isOnset ? episode : calm;
        cell[0]++;
        cell[1] += hit.test(account, from) ? 1 : 0;
      }
    }
    double s = episode[1] / (double) episode[0];
    double b = calm[1] / (double) calm[0];
    double estimate = (s - b) / (1 - b);
    double se = Math.sqrt(s * (1 - s) / episode[0]) / (1 - b);
    String report = String.format("%s: %d of %d episodes (%.3f), %d of %d calm windows (%.3f): planted %.3f (se %.3f), "
        + "documented %.2f", signal, episode[1], episode[0], s, calm[1], calm[0], b, estimate, se, planted);
    System.out.println(report);
    assertTrue(episode[0] >= 60, "enough episodes to judge: " + report);
    assertEquals(planted, estimate, 4 * se, report);
  }

  /** No onset of the account within {@code days} of the day. */
  private static boolean quiet(String account, LocalDate day, int days) {
    return onsets.getOrDefault(account, Map.of()).keySet().stream()
        .noneMatch(o -> !o.isBefore(day.minusDays(days)) && !o.isAfter(day.plusDays(days)));
  }

  private static long logins(Map<LocalDate, Integer> byDay, LocalDate from, LocalDate until) {
    if (byDay == null) {
      return 0;
    }
    long total = 0;
    for (LocalDate d = from; d.isBefore(until); d = d.plusDays(1)) {
      total += byDay.getOrDefault(d, 0);
    }
    return total;
  }

  private static List<Map<String, String>> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> header = List.of(lines.get(0).split(","));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] values = line.split(",", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), values[i]);
      }
      rows.add(row);
    }
    return rows;
  }
}
