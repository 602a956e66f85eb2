package io.churnscope.common.config;

import java.util.List;

/**
 * The {@code catalog.*} keys: where published tables get their names (docs/catalog.md). The
 * session reads the metastore choice when it starts; the {@code publish-catalog} stage reads all three.
 *
 * @param metastore {@code session} (the session's own catalog) or {@code embedded} (Derby under the lake)
 * @param symlinkManifests keep each table's symlink-format manifest current
 * @param duckDbFile {@code ""} (beside a local lake), a path, or {@code none}
 * @param publishQuarantine also name {@code quarantine.records} for analysts (off: operators read it by path)
 */
public record CatalogSettings(String metastore, boolean symlinkManifests, String duckDbFile, boolean publishQuarantine) {
  public static final ConfigKey<String> METASTORE = ConfigKey.oneOf("catalog.metastore", List.of("session", "embedded"));
  public static final ConfigKey<Boolean> SYMLINK_MANIFESTS = ConfigKey.bool("catalog.symlink-manifests");
  public static final ConfigKey<String> DUCKDB_FILE = ConfigKey.string("catalog.duckdb-file");
  public static final ConfigKey<Boolean> PUBLISH_QUARANTINE = ConfigKey.bool("catalog.publish-quarantine");

  public static CatalogSettings from(ChurnscopeConfig config) {
    return new CatalogSettings(METASTORE.from(config), SYMLINK_MANIFESTS.from(config), DUCKDB_FILE.from(config),
        PUBLISH_QUARANTINE.from(config));
  }
}
