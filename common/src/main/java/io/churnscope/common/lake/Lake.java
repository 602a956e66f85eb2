package io.churnscope.common.lake;

/**
 * The lake's layout: one root, one folder per zone, data flowing one way.
 *
 * <pre>
 *   raw/        what sources deliver, by source and delivery date (dt=YYYY-MM-DD); never modified
 *   staged/     typed, de-duplicated, UTC, pseudonymized Delta tables, by event date
 *   quarantine/ every rejected record with its reason and source file
 *   marts/      metrics (subscriptions, engagement, health)
 *   cube/       conformed dimensions, facts, rollups
 *   hotspots/   churn hot-spots and their members
 *   _runs/      the run manifest, the state a nightly needs to be incremental, the run lock (RunLock)
 *   _logs/      a local run's full log, one file per command run (RunLog)
 * </pre>
 *
 * @param root a local path or a URI ({@code s3a://}, {@code abfss://}, {@code hdfs://}); no trailing slash
 */
public record Lake(String root) {
  public Lake {
    while (root.endsWith("/") && root.length() > 1) {
      root = root.substring(0, root.length() - 1);
    }
    if (!root.contains(":")) {
      // A local path with "." or ".." in it (--lake ../lakes/prod) names a Delta table by two paths,
      // the given one and the one Hadoop resolves, and Delta refuses a CREATE TABLE across the two
      // (DELTA_AMBIGUOUS_PATHS_IN_CREATE_TABLE).
      String normalized = java.nio.file.Path.of(root).normalize().toString();
      root = normalized.isEmpty() ? "." : normalized;
    }
  }

  /** The folder a raw source delivers into, e.g. {@code raw/clickstream}. */
  public String raw(String source) {
    return root + "/raw/" + source;
  }

  /** One delivery of a raw source: {@code raw/<source>/dt=<date>}. */
  public String rawDelivery(String source, java.time.LocalDate deliveryDate) {
    return raw(source) + "/dt=" + deliveryDate;
  }

  public String path(TableSpec table) {
    return root + "/" + table.zone() + "/" + table.name();
  }

  /** The lake's folder when it is on the local file system (a path or a {@code file:} URI), else empty. */
  public java.util.Optional<java.nio.file.Path> localFolder() {
    if (root.startsWith("file:")) {
      return java.util.Optional.of(java.nio.file.Path.of(java.net.URI.create(
          root.startsWith("file://") ? root : "file://" + root.substring("file:".length()))));
    }
    return root.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") ? java.util.Optional.empty()
        : java.util.Optional.of(java.nio.file.Path.of(root).toAbsolutePath());
  }

  /** Files the generator writes beside the zones (parameters, planted ground truth). */
  public String generatorDir() {
    return root + "/_generator";
  }
}
