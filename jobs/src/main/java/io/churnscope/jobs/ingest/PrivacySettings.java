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

  public static PrivacySettings from(ChurnscopeConfig config) {
    return new PrivacySettings(PSEUDONYM_SALT.from(config), List.copyOf(PII_KEYS.from(config)));
  }
}
