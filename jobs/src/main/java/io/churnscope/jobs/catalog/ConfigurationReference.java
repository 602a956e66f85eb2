package io.churnscope.jobs.catalog;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.churnscope.common.config.CatalogSettings;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import io.churnscope.common.config.LakeSettings;
import io.churnscope.common.config.RunLockSettings;
import io.churnscope.common.config.SparkSettings;
import io.churnscope.jobs.cube.CubeSettings;
import io.churnscope.jobs.dimensions.DimensionSettings;
import io.churnscope.jobs.engagement.CsSignalSettings;
import io.churnscope.jobs.engagement.EngagementSettings;
import io.churnscope.jobs.engagement.TrialEngagementSettings;
import io.churnscope.jobs.health.ActionSettings;
import io.churnscope.jobs.health.HealthBackfillSettings;
import io.churnscope.jobs.health.HealthSettings;
import io.churnscope.jobs.model.ChurnModelSettings;
import io.churnscope.jobs.hotspots.HotspotSettings;
import io.churnscope.jobs.hotspots.NightlyHotspotSettings;
import io.churnscope.jobs.ingest.IngestSettings;
import io.churnscope.jobs.ingest.PrivacySettings;
import io.churnscope.jobs.ingest.QualitySettings;
import io.churnscope.jobs.subscriptions.SubscriptionSettings;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders {@code docs/configuration.md} from the declared keys ({@link ConfigKey} constants of each
 * settings record) with the defaults and comments of {@code conf/defaults.conf}: every key, what it
 * must be, its default, what it means and which settings class reads it. A test fails when the
 * committed page is stale, and when a key of the defaults is declared nowhere (or the reverse).
 */
public final class ConfigurationReference {
  /** The product's settings classes, in the order of the reference. */
  public static final List<Class<?>> PRODUCT_SETTINGS = List.of(LakeSettings.class, io.churnscope.common.config.RunSettings.class, RunLockSettings.class,
      SparkSettings.class, SubscriptionSettings.class, PrivacySettings.class, IngestSettings.class, QualitySettings.class,
      DimensionSettings.class, CatalogSettings.class, MaintainSettings.class, HotspotSettings.class, NightlyHotspotSettings.class,
      EngagementSettings.class, TrialEngagementSettings.class, CsSignalSettings.class, HealthSettings.class,
      HealthBackfillSettings.class, ActionSettings.class, ChurnModelSettings.class, CubeSettings.class);

  /** A declared key and the class that declares it. */
  public record Declared(ConfigKey<?> key, Class<?> settings) {}

  private ConfigurationReference() {}

  /** Every {@code static final ConfigKey} of the given classes, in declaration order. */
  public static List<Declared> declared(List<Class<?>> settingsClasses) {
    List<Declared> keys = new ArrayList<>();
    for (Class<?> settings : settingsClasses) {
      for (Field field : settings.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && ConfigKey.class.isAssignableFrom(field.getType())) {
          try {
            field.setAccessible(true);
            keys.add(new Declared((ConfigKey<?>) field.get(null), settings));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return keys;
  }

  /** The packaged defaults as parsed, comments included. */
  public static Config defaults() {
    return ConfigFactory.parseResources(ChurnscopeConfig.DEFAULTS_RESOURCE);
  }

  public static String render(List<Class<?>> settingsClasses) {
    Config defaults = defaults();
    StringBuilder out = new StringBuilder("""
        # Configuration reference

        Every configuration key, generated from the keys each settings class declares
        (`ConfigKey` constants) and the defaults and comments of `conf/defaults.conf`; do not edit
        by hand (`ConfigurationReferenceTest` regenerates it with `-Dchurnscope.regenerate=true`).
        Lookup order: `--set key=value`, then the `--conf` file, then the defaults. A key the defaults
        do not know is refused, and a bad value stops the run before Spark starts with one line naming
        the key.

        | key | value | default | meaning | read by |
        |---|---|---|---|---|
        """);
    for (Declared declared : declared(settingsClasses)) {
      String path = declared.key().path();
      ConfigValue value = defaults.hasPath(path) ? defaults.getValue(path) : null;
      String rendered = value == null ? "" : value.render(ConfigRenderOptions.concise());
      String meaning = value == null ? "" : value.origin().comments().stream().map(String::trim)
          .collect(Collectors.joining(" "));
      out.append("| `").append(path).append("` | ").append(declared.key().kind()).append(" | `")
          .append(rendered.length() > 80 ? rendered.substring(0, 77) + "..." : rendered).append("` | ")
          .append(meaning.replace("|", "\\|")).append(" | `").append(declared.settings().getSimpleName()).append("` |\n");
    }
    return out.toString();
  }
}
