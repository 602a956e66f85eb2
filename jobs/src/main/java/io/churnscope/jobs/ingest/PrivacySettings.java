package io.churnscope.jobs.ingest;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.util.List;

/**
 * The {@code privacy.*} keys: how ingestion keeps personal data out of the staged zone.
 *
 * @param pseudonymSalt salt of the SHA-256 user keys; changing it changes every key
 * @param piiKeys event property and trait keys dropped before anything is staged
 */
public record PrivacySettings(String pseudonymSalt, List<String> piiKeys) {
  public static final ConfigKey<String> PSEUDONYM_SALT = ConfigKey.string("privacy.pseudonym-salt");
  public static final ConfigKey<List<String>> PII_KEYS = ConfigKey.strings("privacy.pii-keys");

  /** The salt conf ships with: fine for a generated demo lake, refused for any other. */
  public static final String DEMO_SALT = "churnscope-demo-salt";

  public static PrivacySettings from(ChurnscopeConfig config) {
    // The keys go into SQL text (the properties' filter): plain names only.
    List<String> keys = PII_KEYS.from(config).stream().map(k -> io.churnscope.common.config.Identifiers.name(
        PII_KEYS.path(), k)).toList();
    return new PrivacySettings(PSEUDONYM_SALT.from(config), keys);
  }

  /**
   * Refuses to ingest a lake that is not a generated demo (no {@code _generator/} folder, written by
   * {@code bin/churnscope generate}) with the salt conf ships with: everyone who has Churnscope knows
   * it, so the user keys made with it would be as good as the raw ids.
   */
  public static void requireOwnSalt(ChurnscopeConfig config, io.churnscope.common.lake.Lake lake) {
    if (!DEMO_SALT.equals(PSEUDONYM_SALT.from(config)) || isGeneratedDemo(lake)) {
      return;
    }
    throw new io.churnscope.common.UserError("privacy.pseudonym-salt is still the demo's default and " + lake.root()
        + " is not a generated demo lake: set your own secret before ingesting real data, e.g. from the environment "
        + "with privacy.pseudonym-salt = ${CHURNSCOPE_PSEUDONYM_SALT} in your --conf file; every user key derives from it");
  }

  private static boolean isGeneratedDemo(io.churnscope.common.lake.Lake lake) {
    String root = lake.root().replaceFirst("^file:(//)?", "");
    return !root.matches("^[a-z][a-z0-9+.-]*://.*") && java.nio.file.Files.isDirectory(java.nio.file.Path.of(root, "_generator"));
  }
}
