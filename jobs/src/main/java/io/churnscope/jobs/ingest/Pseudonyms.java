package io.churnscope.jobs.ingest;

import io.churnscope.common.config.ChurnscopeConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Replaces personal identifiers with stable keys: SHA-256 of the configured salt and the id. The
 * same id always gives the same key (joins still work); the id cannot be read back.
 */
public final class Pseudonyms {
  private Pseudonyms() {}

  public static Column key(Column id, ChurnscopeConfig config) {
    String salt = PrivacySettings.PSEUDONYM_SALT.from(config);
    return functions.when(id.isNotNull(), functions.sha2(functions.concat(functions.lit(salt + ":"), id), 256));
  }
}
