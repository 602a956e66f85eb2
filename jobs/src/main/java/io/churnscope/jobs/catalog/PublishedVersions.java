package io.churnscope.jobs.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.churnscope.common.lake.Lake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What the catalog stage last published for each table — the Delta version and its live files —
 * in {@code <lake>/_catalog/published_versions.json}. A table whose version has not moved since
 * keeps its manifest and its file list: refreshing them costs a few Spark jobs per table, and in a
 * nightly most tables do not change (no CRM delivery, a mart whose inputs did not move).
 */
public final class PublishedVersions {
  /** A table as last published: the DuckDB catalog's view reads exactly these files. */
  public record Published(long version, List<String> files) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Configuration hadoop;
  private final Map<String, Published> tables;

  private PublishedVersions(Path file, Configuration hadoop, Map<String, Published> tables) {
    this.file = file;
    this.hadoop = hadoop;
    this.tables = tables;
  }

  public static PublishedVersions load(Lake lake, Configuration hadoop) {
    Path file = new Path(lake.root(), "_catalog/published_versions.json");
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      if (!fs.exists(file)) {
        return new PublishedVersions(file, hadoop, new TreeMap<>());
      }
      try (InputStream in = fs.open(file)) {
        return new PublishedVersions(file, hadoop, new TreeMap<>(JSON.readValue(in, new TypeReference<Map<String, Published>>() {})));
      }
    } catch (IOException e) {
      // A damaged record only costs a full refresh.
      return new PublishedVersions(file, hadoop, new TreeMap<>());
    }
  }

  /** The table's files if it is still at the version last published, else null. */
  List<String> unchanged(String table, long version) {
    Published published = tables.get(table);
    return published != null && published.version() == version ? published.files() : null;
  }

  /**
   * What the catalog last published for the table, if anything: the files {@code maintain} must
   * keep while the DuckDB catalog names them.
   */
  public java.util.Optional<Published> published(String table) {
    return java.util.Optional.ofNullable(tables.get(table));
  }

  void publish(String table, long version, List<String> files) {
    tables.put(table, new Published(version, files));
  }

  void save() {
    try (OutputStream out = file.getFileSystem(hadoop).create(file, true)) {
      JSON.writeValue(out, tables);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /**
   * The table's latest Delta version, from the names of its commit files: a listing, not a Spark
   * job. (A checkpoint-only log directory has its commit files too; Delta keeps them until log
   * retention removes old ones, never the newest.)
   */
  static long latestVersion(String tablePath, Configuration hadoop) {
    Path log = new Path(tablePath, "_delta_log");
    try {
      long latest = -1;
      for (FileStatus status : log.getFileSystem(hadoop).listStatus(log)) {
        String name = status.getPath().getName();
        if (name.matches("\\d{20}\\.json")) {
          latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
        }
      }
      return latest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + log, e);
    }
  }
}
