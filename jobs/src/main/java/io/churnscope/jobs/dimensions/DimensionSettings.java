package io.churnscope.jobs.dimensions;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;

/**
 * The {@code dimensions.*} keys of {@code conf/defaults.conf}: size-band and tenure-band edges and
 * the country → region map, read and checked once, with the bands as column expressions.
 *
 * @param sizeEdges employee counts: below the first "small", below the second "medium", else "large"
 * @param tenureEdgesDays ascending day counts cutting tenure into bands
 * @param regionByCountry ISO country code → region; any other country is {@link #OTHER_REGION}
 */
public record DimensionSettings(int[] sizeEdges, int[] tenureEdgesDays, Map<String, String> regionByCountry) {
  public static final String OTHER_REGION = "other";

  public static final ConfigKey<int[]> SIZE_BAND_EDGES = ConfigKey.of("dimensions.size-band-edges",
      "two positive ascending whole numbers", DimensionSettings::sizeEdges);
  public static final ConfigKey<int[]> TENURE_BAND_EDGES_DAYS = ConfigKey.of("dimensions.tenure-band-edges-days",
      "positive ascending whole numbers, at least one", c -> ascending(c, "dimensions.tenure-band-edges-days"));
  public static final ConfigKey<Map<String, String>> REGIONS = ConfigKey.of("dimensions.regions",
      "an object: region name = [ISO country codes], each country in one region", DimensionSettings::regions);

  public static DimensionSettings from(ChurnscopeConfig config) {
    return new DimensionSettings(SIZE_BAND_EDGES.from(config), TENURE_BAND_EDGES_DAYS.from(config), REGIONS.from(config));
  }

  private static int[] sizeEdges(ChurnscopeConfig config) {
    int[] size = ascending(config, "dimensions.size-band-edges");
    if (size.length != 2) {
      throw new UserError("dimensions.size-band-edges (" + config.origin("dimensions.size-band-edges")
          + "): give two employee counts, like [50, 500]");
    }
    return size;
  }

  private static Map<String, String> regions(ChurnscopeConfig config) {
    Map<String, String> regions = new TreeMap<>();
    String prefix = "dimensions.regions";
    for (String region : config.raw().getConfig(prefix).root().keySet()) {
      for (String country : config.strings(prefix + ".\"" + region + "\"")) {
        String previous = regions.put(country.trim().toUpperCase(java.util.Locale.ROOT), region);
        if (previous != null && !previous.equals(region)) {
          throw new UserError(prefix + ": country " + country + " is in both " + previous + " and " + region);
        }
      }
    }
    return Map.copyOf(regions);
  }

  /** small / medium / large from employee_count; null when the CRM does not say. */
  public Column sizeBand(Column employees) {
    return when(employees.isNull(), lit(null).cast("string"))
        .when(employees.lt(sizeEdges[0]), lit("small"))
        .when(employees.lt(sizeEdges[1]), lit("medium"))
        .otherwise(lit("large"));
  }

  /** "&lt;90d", "90-364d", ..., "730d+"; null without a tenure (not a customer). */
  public Column tenureBand(Column tenureDays) {
    Column band = when(tenureDays.isNull(), lit(null).cast("string"))
        .when(tenureDays.lt(tenureEdgesDays[0]), lit("<" + tenureEdgesDays[0] + "d"));
    for (int i = 1; i < tenureEdgesDays.length; i++) {
      band = band.when(tenureDays.lt(tenureEdgesDays[i]),
          lit(tenureEdgesDays[i - 1] + "-" + (tenureEdgesDays[i] - 1) + "d"));
    }
    return band.otherwise(lit(tenureEdgesDays[tenureEdgesDays.length - 1] + "d+"));
  }

  /** The region of a country code; "other" for a country the map does not list, null for none. */
  public Column region(Column country) {
    Column region = when(country.isNull(), lit(null).cast("string"));
    for (Map.Entry<String, String> e : regionByCountry.entrySet()) {
      region = region.when(country.equalTo(e.getKey()), lit(e.getValue()));
    }
    return region.otherwise(lit(OTHER_REGION));
  }

  private static int[] ascending(ChurnscopeConfig config, String key) {
    List<Integer> values = new ArrayList<>();
    try {
      values.addAll(config.raw().getIntList(key));
    } catch (com.typesafe.config.ConfigException e) {
      throw new UserError(key + " (" + config.origin(key) + ") must be a list of whole numbers: " + e.getMessage());
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) <= 0 || (i > 0 && values.get(i) <= values.get(i - 1))) {
        throw new UserError(key + " = " + values + " (" + config.origin(key) + "): must be positive and ascending");
      }
    }
    if (values.isEmpty()) {
      throw new UserError(key + " (" + config.origin(key) + "): give at least one edge");
    }
    return values.stream().mapToInt(Integer::intValue).toArray();
  }
}
