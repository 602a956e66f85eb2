package io.churnscope.tools.bench;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import io.churnscope.common.UserError;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.lake.Lake;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.nightly.NightlyJob;
import io.churnscope.jobs.upkeep.MaintainJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Command {@code bench-upkeep} (run by {@code bench/upkeep}): the lake's size on disk after each of
 * N consecutive nightlies, never maintained, beside its size had {@code maintain} run after that
 * night; writes {@code bench/results/upkeep-<timestamp>.md}, rewritten after every night so a run
 * stopped by {@code --max-minutes} (or by hand) keeps what it measured.
 *
 * <p>One lake runs the nightlies; after each night a copy of it (raw deliveries left out) is
 * maintained and measured. A nightly costs minutes on two shared cores, so this measures twice the
 * nights that a second lake with its own nightlies would. The maintained copy differs from a lake
 * maintained every night only in its Delta logs (which would also hold the earlier nights'
 * {@code OPTIMIZE} and {@code VACUUM} commits, a few KB a table and night) and in how often the
 * quarantine's small files were compacted (once instead of nightly).
 *
 * <p>The bench's nights are minutes apart, not a day: VACUUM runs with retention 0
 * ({@code maintain.vacuum.below-delta-minimum}) after {@code publish-catalog}, when the catalog reads
 * the live files. A production lake with the default retention of 168 hours keeps about seven
 * nights of removed files on top of the maintained size.
 */
public final class UpkeepBench {
  public static class Args extends LakeBenchArgs {
    /** Three months of billing: enough for the nightly, and each night's copy stays small. */
    public Args() {
      historyMonths = 3;
      work = "bench/work/upkeep";
    }

    @Parameter(names = "--scale", description = "Lake scale (1 = about 1,000 accounts).")
    public double scale = 0.02;

    @Parameter(names = "--nights", description = "Consecutive nightlies after the first (the backfill of the history).")
    public int nights = 30;

    @Parameter(names = "--max-minutes", description = "Start no new pair of nights after this many minutes (0: no limit).")
    public double maxMinutes = 0;

    @Parameter(names = "--resume-after",
        description = "Keep the lake a stopped run left under --work, whose nightlies ran up to this night (0 = the backfill), and go on from the next.")
    public int resumeAfter = -1;

    @Override
    public void validate() {
      super.validate();
      if (!(scale > 0) || nights < 1) {
        throw new UserError("--scale > 0, --nights >= 1");
      }
    }
  }

  /** One night: the Delta zones' size (raw excluded: the deliveries are the same either way). */
  record Night(int night, LocalDate date, long without, long with, long filesWithout, long filesWith,
      long nightlyMs, long maintainMs) {}

  private UpkeepBench() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("bench-upkeep", argv, new Args(), UpkeepBench::run);
  }

  public static void run(SparkSession spark, Args args) throws Exception {
    long started = System.nanoTime();
    Path work = Path.of(args.work).toAbsolutePath();
    Path lake = work.resolve("lake");
    Path maintained = work.resolve("maintained");
    if (args.resumeAfter < 0) {
      BenchJob.deleteTree(work);
      SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
      JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.toString(), "--scale", String.valueOf(args.scale),
          "--usage-days", String.valueOf(args.historyDays + args.nights), "--history-months", String.valueOf(args.historyMonths),
          "--end-date", args.endDate.toString());
      SampleLakeGenerator.run(spark, generate);
    }
    long rawBytes = bytes(lake.resolve("raw"));

    List<Night> nights = new ArrayList<>();
    for (int night = Math.max(0, args.resumeAfter); night <= args.nights; night++) {
      if (night > Math.max(1, args.resumeAfter + 1) && args.maxMinutes > 0 && (System.nanoTime() - started) / 60e9 > args.maxMinutes) {
        break;
      }
      LocalDate date = args.endDate.minusDays(args.nights - night);
      long t0 = System.nanoTime();
      if (night > args.resumeAfter) {
        NightlyJob.run(spark, nightly(args, lake, date));
      }
      long t1 = System.nanoTime();
      BenchJob.deleteTree(maintained);
      copyTree(lake, maintained, "raw", "_logs");
      long t2 = System.nanoTime();
      MaintainJob.run(spark, maintain(args, maintained));
      long t3 = System.nanoTime();
      nights.add(new Night(night, date, bytes(lake, "raw", "_logs"), bytes(maintained, "raw", "_logs"),
          dataFiles(lake), dataFiles(maintained), (t1 - t0) / 1_000_000, (t3 - t2) / 1_000_000));
      write(args, nights, rawBytes, (System.nanoTime() - started) / 1_000_000_000);
    }
    Path md = write(args, nights, rawBytes, (System.nanoTime() - started) / 1_000_000_000);
    System.out.println(Files.readString(md));
    if (!args.keepLakes) {
      BenchJob.deleteTree(work);
    }
  }

  private static NightlyJob.Args nightly(Args args, Path lake, LocalDate date) {
    NightlyJob.Args nightly = new NightlyJob.Args();
    nightly.lake = lake.toString();
    nightly.runDate = date;
    nightly.conf = args.conf;
    nightly.overrides = args.overrides;
    return nightly;
  }

  private static MaintainJob.Args maintain(Args args, Path lake) {
    MaintainJob.Args maintain = new MaintainJob.Args();
    maintain.lake = lake.toString();
    maintain.conf = args.conf;
    maintain.overrides.putAll(args.overrides);
    maintain.overrides.put(MaintainSettings.RETENTION_HOURS.path(), "0");
    maintain.overrides.put(MaintainSettings.BELOW_DELTA_MINIMUM.path(), "true");
    return maintain;
  }

  private static Path write(Args args, List<Night> nights, long rawBytes, long seconds) throws IOException {
    StringBuilder md = new StringBuilder("# Lake size after consecutive nightlies, with and without `maintain`\n\n");
    md.append(String.format("Scale %s, %d days of usage history and %d months of billing before the first night; "
        + "%d of %d nights measured in %d min (2 shared cores). The Delta zones on disk (raw deliveries excluded: "
        + "%.1f MB). After each nightly, a copy of the lake is maintained (retention 0: the nights are minutes apart) "
        + "and measured.%n%n",
        BenchJob.fmt(args.scale), args.historyDays, args.historyMonths, Math.max(0, nights.size() - 1), args.nights,
        seconds / 60, rawBytes / 1e6));
    md.append("| night | run date | never maintained: MB | data files | maintained after the night: MB | data files | nightly s | maintain s |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Night n : nights) {
      md.append(String.format("| %s | %s | %.2f | %d | %.2f | %d | %.0f | %.1f |%n", n.night() == 0 ? "0 (backfill)" : n.night(),
          n.date(), n.without() / 1e6, n.filesWithout(), n.with() / 1e6, n.filesWith(), n.nightlyMs() / 1000.0,
          n.maintainMs() / 1000.0));
    }
    if (nights.size() > 2) {
      Night first = nights.get(1);
      Night last = nights.get(nights.size() - 1);
      int span = last.night() - first.night();
      md.append(String.format("%nGrowth per night from night 1 to %d: never maintained %.2f MB, maintained %.2f MB.%n", last.night(),
          (last.without() - first.without()) / 1e6 / span, (last.with() - first.with()) / 1e6 / span));
    }
    Path file = args.result("upkeep-", ".md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, md.toString());
    return file;
  }

  private static long bytes(Path dir, String... skipped) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> !skippedTop(dir, p, skipped)).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long dataFiles(Path lake) throws IOException {
    try (Stream<Path> files = Files.walk(lake)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).filter(p -> !skippedTop(lake, p, "raw", "_logs"))
          .count();
    }
  }

  private static boolean skippedTop(Path root, Path file, String... skipped) {
    String top = root.relativize(file).getName(0).toString();
    return List.of(skipped).contains(top);
  }

  /** Copies a lake, modification times kept (VACUUM reads them for files the log does not know), without the skipped top folders. */
  private static void copyTree(Path from, Path to, String... skipped) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.filter(p -> p.equals(from) || !skippedTop(from, p, skipped)).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
