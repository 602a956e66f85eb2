package io.churnscope.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.churnscope.common.run.ResourceUse;
import io.churnscope.common.run.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The bench's figures, as JSON (every number) and as a short markdown summary (the ratios, the
 * targets, the slowest stage and why). Rewritten after each lake, so a run stopped midway still
 * leaves what it measured.
 */
final class BenchReport {
  /** A stage of one nightly run. */
  record StageFigures(String stage, String status, long wallMs, long rowsIn, long rowsOut, double rowsPerSecondPerCore,
      ResourceUse use, List<SparkStageLog.SparkStage> slowestSparkStages) {
    static StageFigures of(RunManifest.Entry entry, int cores, List<SparkStageLog.SparkStage> slowest) {
      double seconds = Math.max(entry.durationMs(), 1) / 1000.0;
      return new StageFigures(entry.stage(), entry.status(), entry.durationMs(), entry.result().rowsIn(),
          entry.result().rowsOut(), Math.round(entry.result().rowsIn() / seconds / cores * 10) / 10.0, entry.use(), slowest);
    }
  }

  /** One nightly run (the backfill, or one new day). */
  record RunFigures(String kind, LocalDate runDate, long wallMs, List<StageFigures> stages, List<TableLayout.Files> layout) {}

  /** Everything measured on one lake. */
  record LakeFigures(BenchJob.LakeCase lake, long generateMs, List<RunFigures> runs, List<Baselines.Comparison> baselines) {
    List<RunFigures> nights() {
      return runs.stream().filter(r -> r.kind().equals("nightly")).toList();
    }

    /** Mean wall time of the measured nights, or of one stage in them. */
    double nightlyMs(String stage) {
      OptionalDouble mean = nights().stream().mapToDouble(r -> stage == null ? r.wallMs()
          : r.stages().stream().filter(s -> s.stage().equals(stage)).mapToLong(StageFigures::wallMs).sum()).average();
      return mean.orElse(0);
    }

    long peakHeapMb() {
      return nights().stream().flatMap(r -> r.stages().stream()).mapToLong(s -> s.use().peakHeapMb()).max().orElse(0);
    }

    long retainedHeapMb() {
      return nights().stream().flatMap(r -> r.stages().stream()).mapToLong(s -> s.use().retainedHeapMb()).max().orElse(0);
    }
  }

  private final BenchJob.Args args;
  private final String sparkVersion;
  private final List<LakeFigures> lakes = new ArrayList<>();

  BenchReport(BenchJob.Args args, String sparkVersion) {
    this.args = args;
    this.sparkVersion = sparkVersion;
  }

  void add(LakeFigures figures) {
    lakes.add(figures);
  }

  /** Writes the JSON and the markdown; returns the markdown's path. */
  Path write() throws IOException {
    Path dir = Path.of(args.out);
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("started", args.stamp);
    root.put("machine", machine());
    root.put("parameters", Map.of("scales", args.scales, "days", args.days, "history_days", args.historyDays,
        "history_months", args.historyMonths, "history_multiplier", args.historyMultiplier, "end_date", args.endDate.toString(),
        "stages", args.stages.isEmpty() ? "all" : args.stages));
    root.put("ratios", ratios());
    root.put("lakes", lakes);
    json.writeValue(dir.resolve(args.stamp + ".json").toFile(), root);
    Path md = dir.resolve(args.stamp + ".md");
    Files.writeString(md, markdown());
    Files.copy(md, dir.resolve("latest.md"), StandardCopyOption.REPLACE_EXISTING);
    return md;
  }

  Map<String, Object> machine() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("memory_gib", memoryGib());
    machine.put("driver_max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    machine.put("java", System.getProperty("java.version"));
    machine.put("spark", sparkVersion);
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return machine;
  }

  private static long memoryGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux: leave it out.
    }
    return -1;
  }

  /** The two cost-growth ratios, overall and per stage. */
  Map<String, Object> ratios() {
    Map<String, Object> ratios = new LinkedHashMap<>();
    LakeFigures small = baseLake(min());
    LakeFigures large = baseLake(max());
    if (small != null && large != null && small != large) {
      ratios.put("scale", Map.of("from", min(), "to", max(), "nightly", ratio(large, small, null),
          "by_stage", byStage(large, small), "target", max() / min() * 1.2));
    }
    LakeFigures longer = lakes.stream().filter(l -> l.lake().usageDays() > args.historyDays + args.days).findFirst().orElse(null);
    if (small != null && longer != null) {
      ratios.put("history", Map.of("multiplier", args.historyMultiplier, "nightly", ratio(longer, small, null),
          "by_stage", byStage(longer, small), "target", 1.3));
    }
    return ratios;
  }

  private double min() {
    return args.scales.stream().mapToDouble(Double::doubleValue).min().orElse(1);
  }

  private double max() {
    return args.scales.stream().mapToDouble(Double::doubleValue).max().orElse(1);
  }

  private LakeFigures baseLake(double scale) {
    return lakes.stream().filter(l -> l.lake().scale() == scale && l.lake().usageDays() == args.historyDays + args.days)
        .findFirst().orElse(null);
  }

  private static double ratio(LakeFigures numerator, LakeFigures denominator, String stage) {
    double below = denominator.nightlyMs(stage);
    return below == 0 ? 0 : Math.round(numerator.nightlyMs(stage) / below * 100) / 100.0;
  }

  private static Map<String, Double> byStage(LakeFigures numerator, LakeFigures denominator) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (StageFigures s : denominator.nights().get(0).stages()) {
      out.put(s.stage(), ratio(numerator, denominator, s.stage()));
    }
    return out;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    Map<String, Object> machine = machine();
    md.append("# Churnscope benchmark ").append(args.stamp).append("\n\n");
    md.append(String.format("Machine: %s cores, %s GiB, driver heap %s MB, Java %s, Spark %s. Parameters: scales %s, "
            + "%d measured nights after a backfill of %d usage days and %d billing months, history ×%d.%n%n",
        machine.get("cores"), machine.get("memory_gib"), machine.get("driver_max_heap_mb"), machine.get("java"),
        machine.get("spark"), args.scales, args.days, args.historyDays, args.historyMonths, args.historyMultiplier));
    if (!args.stages.isEmpty()) {
      md.append("Stages measured: ").append(String.join(", ", args.stages)).append(" (the rest of the nightly was not run).\n\n");
    }
    md.append("## Nightly run (one new day), mean of the measured nights\n\n");
    md.append("| lake | generate s | backfill s | nightly s | peak heap MB | retained heap MB | slowest stage |\n");
    md.append("|---|---:|---:|---:|---:|---:|---|\n");
    for (LakeFigures lake : lakes) {
      StageFigures slowest = lake.nights().isEmpty() ? null : lake.nights().get(lake.nights().size() - 1).stages().stream()
          .max(java.util.Comparator.comparingLong(StageFigures::wallMs)).orElse(null);
      md.append(String.format("| %s | %.1f | %.1f | %.1f | %d | %d | %s |%n", lake.lake().label(), lake.generateMs() / 1000.0,
          lake.runs().get(0).wallMs() / 1000.0, lake.nightlyMs(null) / 1000.0, lake.peakHeapMb(), lake.retainedHeapMb(),
          slowest == null ? "" : slowest.stage() + " " + slowest.wallMs() / 1000.0 + " s"));
    }
    Map<String, Object> ratios = ratios();
    md.append("\n## Cost growth\n\n");
    if (ratios.containsKey("scale")) {
      Map<?, ?> scale = (Map<?, ?>) ratios.get("scale");
      md.append(String.format("- Scale %s → %s: nightly × %s (target ≤ %s).%n", BenchJob.fmt(min()), BenchJob.fmt(max()),
          scale.get("nightly"), scale.get("target")));
    }
    if (ratios.containsKey("history")) {
      md.append(String.format("- History × %d at the same daily volume: nightly × %s (target ≤ 1.3).%n",
          args.historyMultiplier, ((Map<?, ?>) ratios.get("history")).get("nightly")));
    }
    md.append("\n## Stages of the last measured night\n\n");
    md.append("| lake | stage | wall s | rows in | rows out | rows/s/core | Spark jobs | task s | shuffle MB | heap MB | slowest Spark stage |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (LakeFigures lake : lakes) {
      if (lake.nights().isEmpty()) {
        continue;
      }
      for (StageFigures s : lake.nights().get(lake.nights().size() - 1).stages()) {
        SparkStageLog.SparkStage top = s.slowestSparkStages().isEmpty() ? null : s.slowestSparkStages().get(0);
        md.append(String.format("| %s | %s | %.1f | %d | %d | %.0f | %d | %.1f | %d | %d | %s |%n", lake.lake().label(),
            s.stage(), s.wallMs() / 1000.0, s.rowsIn(), s.rowsOut(), s.rowsPerSecondPerCore(), s.use().sparkJobs(),
            s.use().taskMs() / 1000.0, (s.use().shuffleReadBytes() + s.use().shuffleWriteBytes()) >> 20, s.use().peakHeapMb(),
            top == null ? "" : String.format("%.1f s, %d tasks, at %s", top.wallMs() / 1000.0, top.tasks(), top.callSite())));
      }
    }
    md.append("\n## DuckDB side by side (same staged files, last night)\n\n");
    md.append("| lake | metric | Spark stages | Spark s | DuckDB s | Spark / DuckDB | rows | differ |\n");
    md.append("|---|---|---|---:|---:|---:|---:|---:|\n");
    for (LakeFigures lake : lakes) {
      for (Baselines.Comparison b : lake.baselines()) {
        md.append(String.format("| %s | %s | %s | %.1f | %.2f | %.1f | %d | %d%s |%n", lake.lake().label(), b.metric(),
            String.join(" + ", b.sparkStages()), b.sparkMs() / 1000.0, b.duckDbMs() / 1000.0, b.ratio(), b.rows(),
            b.mismatches(), b.mismatches() == 0 ? "" : " (" + b.firstMismatch() + ")"));
      }
    }
    md.append("\n## Files per published table after each run\n\n");
    md.append("Tables whose file count grows with the number of runs (from the backfill to the last night):\n\n");
    boolean any = false;
    for (LakeFigures lake : lakes) {
      List<TableLayout.Files> first = lake.runs().get(0).layout();
      List<TableLayout.Files> last = lake.runs().get(lake.runs().size() - 1).layout();
      for (TableLayout.Files end : last) {
        TableLayout.Files start = first.stream().filter(f -> f.table().equals(end.table())).findFirst().orElse(null);
        if (start != null && end.files() > start.files()) {
          any = true;
          md.append(String.format("- %s: %s %d → %d files (%d KB), version %d → %d%n", lake.lake().label(), end.table(),
              start.files(), end.files(), end.bytes() >> 10, start.version(), end.version()));
        }
      }
    }
    if (!any) {
      md.append("- none\n");
    }
    return md.toString();
  }
}
