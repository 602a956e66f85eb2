package io.churnscope.common.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code spark.conf} block: Spark settings applied to the session as {@code spark.<key>} (unless
 * spark-submit set them).
 *
 * @param conf Spark keys (with their {@code spark.} prefix) and values
 */
public record SparkSettings(Map<String, String> conf) {
  public static final ConfigKey<Map<String, String>> CONF = ConfigKey.of("spark.conf",
      "an object of Spark keys without their spark. prefix, e.g. sql.shuffle.partitions = 8", SparkSettings::conf);

  public static SparkSettings from(ChurnscopeConfig config) {
    return new SparkSettings(CONF.from(config));
  }

  private static Map<String, String> conf(ChurnscopeConfig config) {
    Map<String, String> conf = new TreeMap<>();
    if (config.has("spark.conf")) {
      for (var entry : config.raw().getConfig("spark.conf").entrySet()) {
        conf.put("spark." + entry.getKey(), String.valueOf(entry.getValue().unwrapped()));
      }
    }
    return Map.copyOf(conf);
  }
}
