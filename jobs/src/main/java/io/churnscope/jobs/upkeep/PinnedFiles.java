package io.churnscope.jobs.upkeep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.churnscope.jobs.catalog.PublishedVersions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files of one table that a published reader still names — the DuckDB catalog's view (its
 * file list in {@code _catalog/published_versions.json}) and the symlink manifests Presto, Trino and
 * Athena read — and the VACUUM retention that keeps them.
 *
 * <p>VACUUM deletes a file once it has been out of the table longer than the retention: the
 * {@code deletionTimestamp} of its {@code remove} action in the Delta log is older than
 * {@code now - retention}. So the retention that keeps every pinned file is the age of the oldest
 * removal of a pinned file, read here from the log's commit files (plain JSON lines, no Spark job).
 * A pinned file still live has no removal and needs nothing: VACUUM never deletes live files.
 *
 * <p>When the log no longer holds every commit since the pin (Delta's log retention, 30 days, has
 * cleaned commits after the published version), a removal could be missing from what is read:
 * then the table is not vacuumed at all, and the outcome says why.
 */
final class PinnedFiles {
  /**
   * Allowance for the time between this check and VACUUM reading its own clock, and for the
   * writers' and this driver's clocks to disagree (Delta's own retention assumes they agree).
   */
  static final long MARGIN_MS = 60_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What VACUUM must respect for a table.
   *
   * @param pinned how many files readers name
   * @param removedPinned how many of them are no longer in the table (only the retention keeps them)
   * @param hours the shortest retention that keeps them all, in whole hours as VACUUM takes it
   *     (Delta rounds a retention to the hour); 0 when none is removed
   * @param unsafe why the table must not be vacuumed at all, or null
   */
  record Requirement(int pinned, int removedPinned, long hours, String unsafe) {}

  private PinnedFiles() {}

  static Requirement of(String tablePath, String qualifiedName, PublishedVersions published, Configuration hadoop,
      long nowMs) {
    Path table = new Path(tablePath);
    try {
      FileSystem fs = table.getFileSystem(hadoop);
      Set<String> pinned = new HashSet<>();
      Optional<PublishedVersions.Published> catalog = published.published(qualifiedName);
      catalog.ifPresent(p -> p.files().forEach(f -> pinned.add(fileName(f))));
      long manifestWritten = readManifests(fs, new Path(table, "_symlink_format_manifest"), pinned);
      if (pinned.isEmpty()) {
        return new Requirement(0, 0, 0, null);
      }
      TreeMap<Long, FileStatus> commits = commits(fs, new Path(table, "_delta_log"));
      String unsafe = coverageGap(commits, catalog.map(PublishedVersions.Published::version), manifestWritten);
      if (unsafe != null) {
        return new Requirement(pinned.size(), 0, 0, unsafe);
      }
      long oldestRemoval = Long.MAX_VALUE;
      int removed = 0;
      for (FileStatus commit : commits.values()) {
        for (JsonNode remove : removes(fs, commit)) {
          if (pinned.contains(fileName(remove.path("path").asText()))) {
            removed++;
            long at = remove.hasNonNull("deletionTimestamp") ? remove.get("deletionTimestamp").asLong()
                : commit.getModificationTime();
            oldestRemoval = Math.min(oldestRemoval, at);
          }
        }
      }
      long hours = removed == 0 ? 0 : Math.max(1, (nowMs - oldestRemoval + MARGIN_MS + 3_599_999) / 3_600_000);
      return new Requirement(pinned.size(), removed, hours, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the pins of " + tablePath, e);
    }
  }

  /**
   * Why the log cannot vouch for every removal since the pins were made, or null: the commits after
   * the published version must all be there, and for a manifest the log must reach back to when it
   * was written.
   */
  private static String coverageGap(TreeMap<Long, FileStatus> commits, Optional<Long> catalogVersion, long manifestWritten) {
    if (commits.isEmpty()) {
      return "its Delta log holds no commit files";
    }
    long latest = commits.lastKey();
    if (catalogVersion.isPresent()) {
      for (long v = catalogVersion.get() + 1; v <= latest; v++) {
        if (!commits.containsKey(v)) {
          return "the DuckDB catalog reads version " + catalogVersion.get() + " and the log no longer holds commit " + v
              + " (publish the catalog, then run maintain again)";
        }
      }
    }
    if (manifestWritten != Long.MAX_VALUE && commits.firstKey() > 0
        && commits.firstEntry().getValue().getModificationTime() > manifestWritten) {
      return "its symlink manifest is older than the oldest commit the log holds (publish the catalog, then run maintain again)";
    }
    return null;
  }

  /** Adds the file names every manifest under the folder lists; returns when the oldest was written (MAX_VALUE: none). */
  private static long readManifests(FileSystem fs, Path folder, Set<String> pinned) throws IOException {
    if (!fs.exists(folder)) {
      return Long.MAX_VALUE;
    }
    long oldest = Long.MAX_VALUE;
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(folder, true);
    while (files.hasNext()) {
      LocatedFileStatus file = files.next();
      if (file.getPath().getName().equals("manifest")) {
        oldest = Math.min(oldest, file.getModificationTime());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
          in.lines().filter(line -> !line.isBlank()).forEach(line -> pinned.add(fileName(line)));
        }
      }
    }
    return oldest;
  }

  /** The log's commit files ({@code 00000000000000000012.json}) by version. */
  private static TreeMap<Long, FileStatus> commits(FileSystem fs, Path log) throws IOException {
    TreeMap<Long, FileStatus> commits = new TreeMap<>();
    for (FileStatus status : fs.listStatus(log)) {
      String name = status.getPath().getName();
      if (name.matches("\\d{20}\\.json")) {
        commits.put(Long.parseLong(name.substring(0, 20)), status);
      }
    }
    return commits;
  }

  private static java.util.List<JsonNode> removes(FileSystem fs, FileStatus commit) throws IOException {
    java.util.List<JsonNode> removes = new java.util.ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(commit.getPath()), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.contains("\"remove\"")) {
          JsonNode remove = JSON.readTree(line).get("remove");
          if (remove != null) {
            removes.add(remove);
          }
        }
      }
    }
    return removes;
  }

  /**
   * A data file's name, which identifies it within its table (Delta names each with a UUID): the
   * catalog keeps absolute URIs, the manifests absolute paths, the log paths relative to the table.
   */
  static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
