package io.churnscope.generator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The hot-spot stage's population — one row per customer and monthly anniversary in the 12 months
 * before the end date, churned or not — drawn straight from the generator's accounts and planted
 * hazards, without writing a lake or running the nightly. A planted bench then needs seconds per
 * population instead of half an hour, so power and false discoveries can be measured over many seeds
 * and null populations (bench/planted-power).
 *
 * <p>The same accounts as the lake of that seed and scale ({@link AccountFactory}), the same monthly
 * hazard (base × the lifts of the planted segments an account belongs to, {@link PlantedHotspot}),
 * drawn at every monthly anniversary from the account's first paid month (trials that never convert
 * never enter) but, as in the lake, not before its 24-month history starts (older accounts reach it
 * alive). Simplified against the lake: no distress episodes, no plan changes, and the usage bands other
 * than utilization (frequency, breadth,
 * trend, concentration) are drawn per row independently of churn, from distributions of the same
 * number of values as the nightly's bands; frequency leans on the account's adoption as usage does.
 * A null population ({@code planted = false}) sets every lift to 1: nothing is there to be found.
 */
public final class PlantedRenewalPool {
  /** Months of renewals in the pool, as the nightly's {@code hotspots.nightly.pool-months} default. */
  public static final int POOL_MONTHS = 12;
  /** The dimensions of the population, named as the nightly stage's. */
  public static final List<String> DIMENSIONS = List.of("acquisition_channel", "campaign", "region", "country", "state",
      "industry", "size_band", "plan", "arr_tier", "tenure_band", "frequency_band", "utilization_band", "breadth_band",
      "trend_band", "concentration_band");
  public static final String ID = "account_id";
  public static final String OUTCOME = "churned";

  private static final LocalDate END = LocalDate.parse("2026-10-31");
  private static final int HISTORY_MONTHS = 24;

  private PlantedRenewalPool() {}

  /** The planted segments by id (H1, H2, ...): dimension → value, in the population's dimension names. */
  public static Map<String, Map<String, String>> planted() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    PlantedHotspot.ALL.forEach(h -> out.put(h.id(), h.segment()));
    return out;
  }

  /** Each planted segment's lift of the monthly hazard, by id. */
  public static Map<String, Double> lifts() {
    Map<String, Double> out = new LinkedHashMap<>();
    PlantedHotspot.ALL.forEach(h -> out.put(h.id(), h.lift()));
    return out;
  }

  /**
   * The pool of the generator's accounts at {@code scale} (1,000 accounts per unit) and {@code seed}.
   *
   * @param baseHazard the monthly churn hazard outside the planted segments (the generator's default 0.03)
   * @param planted false for a null population: every account at the base hazard
   */
  public static Dataset<Row> draw(SparkSession spark, double scale, long seed, double baseHazard, boolean planted) {
    GeneratorParams params = new GeneratorParams(seed, scale, END, HISTORY_MONTHS, 1, 0, baseHazard, 0, 1);
    LocalDate poolStart = END.plusDays(1).minusMonths(POOL_MONTHS);
    LocalDate historyStart = params.historyStart();
    List<Row> rows = new ArrayList<>();
    for (AccountProfile a : AccountFactory.create(params)) {
      if (a.trial() && !a.trialConverts()) {
        continue;
      }
      LocalDate customerStart = a.trial() ? a.signupDate().plusDays(14) : a.signupDate();
      SplittableRandom r = Seeds.random(seed, Seeds.POOL, a.index(), 0);
      double hazard = Math.min(1, baseHazard * (planted ? PlantedHotspot.liftFor(a, a.plan()) : 1));
      for (int m = 1; ; m++) {
        LocalDate anniversary = customerStart.plusMonths(m);
        if (anniversary.isAfter(END)) {
          break;
        }
        boolean churned = !anniversary.isBefore(historyStart) && r.nextDouble() < hazard;
        if (!anniversary.isBefore(poolStart)) {
          rows.add(row(a, r, m, churned));
        }
        if (churned) {
          break;
        }
      }
    }
    return spark.createDataFrame(rows, schema());
  }

  private static Row row(AccountProfile a, SplittableRandom r, int month, boolean churned) {
    boolean lowAdoption = a.adoption() < 0.5;
    String frequency = pick(r, lowAdoption ? new double[] {0.10, 0.35, 0.40, 0.15} : new double[] {0.45, 0.40, 0.12, 0.03},
        "daily", "weekly", "infrequent", "dormant");
    String breadth = pick(r, new double[] {0.3, 0.4, 0.3}, "narrow", "moderate", "broad");
    String trend = pick(r, new double[] {0.2, 0.6, 0.2}, "declining", "steady", "growing");
    String concentration = pick(r, new double[] {0.3, 0.4, 0.3}, "spread", "moderate", "concentrated");
    String tenure = month < 3 ? "under_3_months" : month < 12 ? "3_to_12_months" : month < 24 ? "1_to_2_years" : "over_2_years";
    return RowFactory.create(a.accountId(), a.channel(), a.campaign(), region(a.country()), a.country(), a.state(),
        a.industry(), a.sizeBand(), a.plan(), a.tier(), tenure, frequency, a.utilizationBand(), breadth, trend,
        concentration, churned ? 1 : 0);
  }

  private static String pick(SplittableRandom r, double[] weights, String... values) {
    return values[Draws.weighted(r, weights)];
  }

  private static String region(String country) {
    return switch (country) {
      case "US", "CA" -> "north_america";
      case "BR" -> "latin_america";
      case "AU", "IN" -> "asia_pacific";
      default -> "europe";
    };
  }

  private static StructType schema() {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(ID, DataTypes.StringType, false));
    DIMENSIONS.forEach(d -> fields.add(DataTypes.createStructField(d, DataTypes.StringType, false)));
    fields.add(DataTypes.createStructField(OUTCOME, DataTypes.IntegerType, false));
    return DataTypes.createStructType(fields);
  }
}
