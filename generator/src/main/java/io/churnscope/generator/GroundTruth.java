package io.churnscope.generator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What the generator planted, for the tests and for judging the hot-spot finder and churn models:
 * {@code _generator/ground_truth.json} (parameters, counts, the churn model and its drivers, planted
 * hot-spots and their members, band definitions, the usage decline before churn, bad records per source
 * and kind, late events, records written per source), {@code _generator/accounts_truth.csv} (one row per
 * account; {@code distress_onsets}: the onsets of its distress episodes, | separated, each lasting until
 * 4 months after it, its usage recovering over the next 30 days) and {@code _generator/churn_hazards.csv} (one row per paying customer and anniversary in the
 * history window up to its churn: the true hazard, read by {@link ChurnHazards}).
 *
 * @param json the content of ground_truth.json, as ordered maps
 * @param accounts every account's history, in account order
 */
public record GroundTruth(Map<String, Object> json, List<AccountHistory> accounts) {
  static final String JSON_FILE = "ground_truth.json";
  static final String ACCOUNTS_FILE = "accounts_truth.csv";
  static final String HAZARDS_FILE = ChurnHazards.FILE;
  static final List<String> ACCOUNT_COLUMNS = List.of("account_id", "acquisition_channel", "country", "industry",
      "size_band", "plan", "adoption", "utilization_band", "hotspots", "is_trial_only", "churned", "churn_date",
      "cancel_reason", "declining", "customer_start", "reactivation_date", "currency", "churn_lost_mrr",
      "churn_changed_in_month", "distress_onsets");

  static GroundTruth build(GeneratorParams params, List<AccountHistory> accounts, UsageModel model,
      BadRecordTally tally, Map<String, Long> rawRecords) {
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("seed", params.seed());
    parameters.put("scale", params.scale());
    parameters.put("end_date", params.endDate().toString());
    parameters.put("history_months", params.historyMonths());
    parameters.put("history_start", params.historyStart().toString());
    parameters.put("usage_days", params.usageDays());
    parameters.put("usage_intensity", params.usageIntensity());
    parameters.put("usage_start", params.usageStart().toString());
    parameters.put("bad_record_rate", params.badRecordRate());
    json.put("parameters", parameters);

    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("accounts", accounts.size());
    counts.put("users", model.users.length);
    counts.put("customers", accounts.stream().filter(AccountHistory::isCustomer).count());
    counts.put("trials", accounts.stream().filter(h -> h.trialStart() != null).count());
    counts.put("trials_converted", accounts.stream().filter(h -> h.trialStart() != null && h.isCustomer()).count());
    counts.put("trials_lapsed", accounts.stream().filter(h -> h.trialOnly() && !h.trialEnd().isAfter(params.endDate())).count());
    counts.put("churned", accounts.stream().filter(AccountHistory::churned).count());
    counts.put("reactivated", accounts.stream().filter(h -> h.reactivationDate() != null).count());
    counts.put("users_moved", java.util.Arrays.stream(model.users).filter(u -> u.newAccount >= 0).count());
    json.put("counts", counts);

    Map<String, Object> churnModel = new LinkedHashMap<>();
    churnModel.put("base_monthly_hazard", params.baseMonthlyHazard());
    churnModel.put("hazard", "each paying customer, at each monthly anniversary inside the history window, churns with "
        + "probability h = base_monthly_hazard x the lifts of every planted hot-spot it belongs to at that time (at most 1), "
        + "times its latent distress (churn_drivers): c x h outside an episode's hazard months, min(1, c x K x h) in them, "
        + "where c keeps the mean hazard over the customers still paying at h. No other attribute affects churn; "
        + "_generator/churn_hazards.csv has every applied hazard");
    churnModel.put("members", "paying customers (not trial-only accounts) whose attributes match the segment; plan = "
        + "the core plan in force at churn or at end_date");
    churnModel.put("churn_date", "ended_at of the canceled subscription version (when the cancellation took effect)");
    churnModel.put("lost_mrr", "accounts_truth.csv churn_lost_mrr: MRR in the account's currency in force just before the "
        + "churn (per subscription round(quantity x unit amount / interval months, 4), summed); churn_changed_in_month: "
        + "a version took effect in the churn's month before it, so a month-end ledger measures the loss at the month's start");
    json.put("churn_model", churnModel);
    json.put("churn_drivers", ChurnDriversTruth.build(params, accounts));

    List<Map<String, Object>> hotspots = new java.util.ArrayList<>();
    for (PlantedHotspot h : PlantedHotspot.ALL) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", h.id());
      entry.put("segment", new TreeMap<>(h.segment()));
      entry.put("lift", h.lift());
      entry.put("members", accounts.stream().filter(a -> a.hotspots().contains(h.id())).count());
      entry.put("churned_members", accounts.stream().filter(a -> a.hotspots().contains(h.id()) && a.churned()).count());
      hotspots.add(entry);
    }
    json.put("planted_hotspots", hotspots);

    Map<String, Object> size = new LinkedHashMap<>();
    size.put("column", "employee_count");
    size.put("edges", List.of(Bands.SMALL_BELOW, Bands.MEDIUM_BELOW));
    size.put("small", "employee_count < " + Bands.SMALL_BELOW);
    size.put("medium", Bands.SMALL_BELOW + " <= employee_count < " + Bands.MEDIUM_BELOW);
    size.put("large", "employee_count >= " + Bands.MEDIUM_BELOW);
    json.put("size_band", size);

    Map<String, Object> utilization = new LinkedHashMap<>();
    utilization.put("definition", "monthly active users / licensed seats; in the truth, the band of the latent "
        + "adoption (share of seats whose users are active adopters, column adoption of accounts_truth.csv)");
    utilization.put("edges", List.of(Bands.LOW_UTILIZATION_BELOW, Bands.MEDIUM_UTILIZATION_BELOW));
    utilization.put("low", "utilization < " + Bands.LOW_UTILIZATION_BELOW);
    utilization.put("medium", Bands.LOW_UTILIZATION_BELOW + " <= utilization < " + Bands.MEDIUM_UTILIZATION_BELOW);
    utilization.put("high", "utilization >= " + Bands.MEDIUM_UTILIZATION_BELOW);
    utilization.put("low_adoption_range", List.of(0.10, 0.38));
    utilization.put("other_adoption_range", List.of(0.55, 1.0));
    json.put("utilization_band", utilization);

    Map<String, Object> decline = new LinkedHashMap<>();
    decline.put("days_before_churn", UsageModel.DECLINE_DAYS);
    decline.put("floor_share", UsageModel.DECLINE_FLOOR);
    decline.put("shape", "activity of a churning account's users falls linearly from 100 % at "
        + UsageModel.DECLINE_DAYS + " days before the churn date to " + Math.round(UsageModel.DECLINE_FLOOR * 100)
        + " % on the day before it; nothing after it");
    decline.put("note", "the decline starts less than 30 days before churn: features computed 30 or more days "
        + "before the churn date (a 30-day look-back ending there) do not see it; the longer, leading decline of a "
        + "distress episode is in churn_drivers.signals.usage_decline");
    decline.put("accounts", accounts.stream().filter(a -> declining(params, a)).count());
    json.put("decline", decline);

    json.put("bad_records", tally.bad());
    json.put("late_events", tally.late());
    json.put("raw_records", new TreeMap<>(rawRecords));
    return new GroundTruth(json, accounts);
  }

  /** Churned inside the usage window, so the decline before churn is in the generated events. */
  static boolean declining(GeneratorParams params, AccountHistory a) {
    return a.churned() && a.churnDate().isAfter(params.usageStart());
  }

  void write(String generatorDir, Configuration hadoop, GeneratorParams params) throws IOException {
    Path dir = new Path(generatorDir);
    FileSystem fs = dir.getFileSystem(hadoop);
    fs.mkdirs(dir);
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    try (OutputStream out = fs.create(new Path(dir, JSON_FILE), true)) {
      out.write(mapper.writeValueAsBytes(json));
      out.write('\n');
    }
    StringBuilder csv = new StringBuilder(String.join(",", ACCOUNT_COLUMNS)).append('\n');
    for (AccountHistory h : accounts) {
      AccountProfile p = h.profile();
      csv.append(String.join(",", p.accountId(), p.channel(), p.country(), p.industry(), p.sizeBand(), h.plan(),
          String.format(java.util.Locale.ROOT, "%.3f", p.adoption()), p.utilizationBand(),
          String.join("|", h.hotspots()), String.valueOf(h.trialOnly()), String.valueOf(h.churned()),
          text(h.churnDate()), h.cancelReason(), String.valueOf(declining(params, h)), text(h.customerStart()),
          text(h.reactivationDate()), p.currency(), h.lostMrr() == null ? "" : h.lostMrr().toPlainString(),
          String.valueOf(h.changedInChurnMonth()), h.distress().episodes.stream().map(e -> e.onset().toString())
              .collect(java.util.stream.Collectors.joining("|")))).append('\n');
    }
    try (OutputStream out = fs.create(new Path(dir, ACCOUNTS_FILE), true)) {
      out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    }
    try (OutputStream out = fs.create(new Path(dir, HAZARDS_FILE), true)) {
      out.write(hazardsCsv().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** churn_hazards.csv: see {@link ChurnHazards} for the columns. */
  String hazardsCsv() {
    StringBuilder csv = new StringBuilder(String.join(",", ChurnHazards.COLUMNS)).append('\n');
    for (AccountHistory h : accounts) {
      List<AnniversaryHazard> rows = h.hazards();
      for (int i = 0; i < rows.size(); i++) {
        AnniversaryHazard row = rows.get(i);
        boolean churnRow = h.churned() && i == rows.size() - 1;
        csv.append(String.join(",", h.profile().accountId(), h.customerStart().toString(), String.valueOf(row.month()),
            row.anniversary().toString(), plain(row.hazard()), plain(row.calmHazard()), plain(row.distressHazard()),
            text(row.onset()), row.episodeMonth() < 0 ? "" : String.valueOf(row.episodeMonth()),
            churnRow ? h.churnDate().toString() : "", churnRow ? text(h.cancelRequested()) : "")).append('\n');
      }
    }
    return csv.toString();
  }

  private static String plain(double value) {
    return new java.math.BigDecimal(Double.toString(value)).toPlainString();
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  /** A value of ground_truth.json by path, e.g. {@code get("counts", "accounts")}. */
  @SuppressWarnings("unchecked")
  public Object get(String... path) {
    Object node = json;
    for (String key : path) {
      node = ((Map<String, Object>) node).get(key);
    }
    return node;
  }
}
