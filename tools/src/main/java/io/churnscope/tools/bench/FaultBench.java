package io.churnscope.tools.bench;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.lake.WriteFaults;
import io.churnscope.common.schema.RunTables;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.catalog.PublishedTables;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Command {@code bench-faults} (run by {@code bench/faults}; docs/runbook.md, "A killed driver"): the
 * first nightly of a small generated lake, its driver killed at the writes of every stage, one kill
 * after the other, as a scheduler that retries a dead run would meet them; writes
 * {@code bench/results/faults-<timestamp>.md}.
 *
 * <ol>
 *   <li><b>Reference</b>: the nightly uninterrupted on a copy of the lake, in a JVM of its own as
 *       {@code bin/churnscope} runs it, listing every write point in order ({@link WriteFaults#TRACE}).
 *       A second, forced run of the date on it is the <b>control</b>: a table that differs between two
 *       complete runs differs by design (a run id), and is compared without it or not at all.</li>
 *   <li><b>The chain</b>: on another copy, one run per fault point, each halted like SIGKILL at its
 *       point ({@link WriteFaults}: after a stage's first write; before its last, when it writes more
 *       than one; after its manifest row). Each run picks up where the dead one stopped: the stages
 *       already recorded are skipped as unchanged, the interrupted one runs again until the next point.
 *       After each kill, every table (the quarantine and the watermarks source by source) the killed
 *       stage writes must be as before the run (absent or empty) or as the reference has it, never a
 *       third state a reader could see.</li>
 *   <li><b>The last run</b>, with no fault: every published table equals the reference row for row, and
 *       the run manifest holds one {@code interrupted} row per kill.</li>
 * </ol>
 */
public final class FaultBench {
  public static class Args extends LakeBenchArgs {
    /** Three months of billing and a small scale: the chain runs the nightly's stages one kill at a time. */
    public Args() {
      historyMonths = 3;
      work = "bench/work/faults";
    }

    @Parameter(names = "--scale", description = "Lake scale (1 = about 1,000 accounts).")
    public double scale = 0.02;

    @Parameter(names = "--points", description = "Where each stage is killed: first (after its first write), between "
        + "(before its last write, when it writes more than one), row (after its run-manifest row).")
    public List<String> points = new ArrayList<>(List.of("first", "between"));

    @Parameter(names = "--only", description = "Kill only in these stages (comma-separated); default every stage.")
    public List<String> only = new ArrayList<>();

    @Parameter(names = "--child-heap", description = "Heap of each nightly's JVM.")
    public String childHeap = "3g";

    @Override
    public void validate() {
      super.validate();
      if (!(scale > 0) || !Set.of("first", "between", "row").containsAll(points)) {
        throw new UserError("--scale > 0; --points of first, between, row");
      }
    }
  }

  /** A write point: the stage writing, the table (zone.table) or file written, and which write of it in the stage. */
  record Point(String stage, String target, int nth) {
    String fault(String when) {
      return when + ":" + target + "@" + stage + "#" + nth;
    }
  }

  /** One kill and what a reader saw after it. */
  record Kill(String fault, String stage, boolean halted, long ms, List<String> thirdStates, List<String> compared) {}

  private FaultBench() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("bench-faults", argv, new Args(), FaultBench::run);
  }

  public static void run(SparkSession spark, Args args) throws Exception {
    long started = System.nanoTime();
    Path work = Path.of(args.work).toAbsolutePath().normalize();
    BenchJob.deleteTree(work);
    Path generated = work.resolve("generated");
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", generated.toString(), "--scale",
        String.valueOf(args.scale), "--usage-days", String.valueOf(args.historyDays), "--history-months",
        String.valueOf(args.historyMonths), "--end-date", args.endDate.toString(), "--bad-record-rate", "0.03");
    SampleLakeGenerator.run(spark, generate);

    Lake reference = copy(generated, work.resolve("reference"));
    Path trace = work.resolve("writes.txt");
    Child uninterrupted = nightly(args, reference, List.of("-D" + WriteFaults.TRACE + "=" + trace), List.of());
    require(uninterrupted.status() == 0, "the uninterrupted nightly failed: " + uninterrupted.stderrTail());
    List<Point> writes = points(Files.readAllLines(trace));
    Map<String, List<String>> expected = states(spark, reference, null);
    Child forced = nightly(args, reference, List.of(), List.of("--force"));
    require(forced.status() == 0, "the forced control run failed: " + forced.stderrTail());
    Map<String, List<String>> control = states(spark, reference, null);
    Set<String> differsByDesign = new LinkedHashSet<>();
    expected.forEach((part, rows) -> {
      if (!rows.equals(control.getOrDefault(part, List.of()))) {
        differsByDesign.add(part);
      }
    });

    Lake chain = copy(generated, work.resolve("chain"));
    List<Kill> kills = new ArrayList<>();
    for (Map.Entry<String, Point> fault : faults(writes, args).entrySet()) {
      long t0 = System.nanoTime();
      Child killed = nightly(args, chain, List.of("-D" + WriteFaults.PROPERTY + "=" + fault.getKey()), List.of());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      boolean halted = killed.status() == WriteFaults.HALT_STATUS && killed.stderr().contains("fault injected");
      Set<String> written = tablesOf(writes, fault.getValue().stage());
      Map<String, List<String>> seen = states(spark, chain, written);
      List<String> third = new ArrayList<>();
      seen.forEach((part, rows) -> {
        List<String> wanted = expected.getOrDefault(part, List.of());
        if (!differsByDesign.contains(part) && !rows.isEmpty() && !rows.equals(wanted)) {
          third.add(part + " (" + rows.size() + " rows; reference " + wanted.size() + ")");
        }
      });
      kills.add(new Kill(fault.getKey(), fault.getValue().stage(), halted, ms, third, new ArrayList<>(seen.keySet())));
      System.out.printf(Locale.ROOT, "%s: %s in %.0f s; third states: %s%n", fault.getKey(),
          halted ? "halted" : "NOT halted (status " + killed.status() + ")", ms / 1000.0, third);
    }
    long t0 = System.nanoTime();
    Child last = nightly(args, chain, List.of(), List.of());
    long lastMs = (System.nanoTime() - t0) / 1_000_000;
    Map<String, List<String>> after = states(spark, chain, null);
    List<String> differ = new ArrayList<>();
    expected.forEach((part, rows) -> {
      List<String> now = after.getOrDefault(part, List.of());
      if (!differsByDesign.contains(part) && !rows.equals(now)) {
        differ.add(part + " (" + now.size() + " rows; reference " + rows.size() + ")");
      }
    });
    long interrupted = DeltaIO.read(spark, chain, RunTables.RUN_MANIFEST).where("status = 'interrupted'").count();
    long halted = kills.stream().filter(Kill::halted).count();
    Path md = write(args, kills, writes.size(), differsByDesign, last.status(), lastMs, differ, interrupted, halted,
        (System.nanoTime() - started) / 1_000_000_000);
    System.out.println(Files.readString(md));
    if (!args.keepLakes) {
      BenchJob.deleteTree(work);
    }
  }

  /** The traced writes ({@code <stage> <target>} lines, in order), each numbered within its stage and target. */
  static List<Point> points(List<String> lines) {
    Map<String, Integer> seen = new java.util.HashMap<>();
    List<Point> points = new ArrayList<>();
    for (String line : lines) {
      String[] p = line.split(" ", 2);
      points.add(new Point(p[0], p[1], seen.merge(line, 1, Integer::sum)));
    }
    return points;
  }

  /**
   * The faults to inject, in the order the nightly reaches them, by the chosen kinds: after a stage's
   * first write; before its last (when it writes more than one point); after its manifest row.
   */
  static Map<String, Point> faults(List<Point> writes, Args args) {
    Map<String, List<Point>> byStage = new LinkedHashMap<>();
    for (Point p : writes) {
      if (!p.target().equals(RunTables.RUN_MANIFEST.qualifiedName())) {
        byStage.computeIfAbsent(p.stage(), s -> new ArrayList<>()).add(p);
      }
    }
    Map<String, Point> faults = new LinkedHashMap<>();
    byStage.forEach((stage, points) -> {
      if (stage.isEmpty() || (!args.only.isEmpty() && !args.only.contains(stage))) {
        return;
      }
      if (args.points.contains("first")) {
        faults.put(points.get(0).fault("after"), points.get(0));
      }
      // Between the stage's last two writes: before the last one when it is a table's (a file point has
      // only an after), else after the one before it, when that is not the first.
      Point lastWrite = points.get(points.size() - 1);
      if (args.points.contains("between") && points.size() > 1) {
        if (isTable(lastWrite.target())) {
          faults.putIfAbsent(lastWrite.fault("before"), lastWrite);
        } else if (points.size() > 2) {
          Point beforeLast = points.get(points.size() - 2);
          faults.putIfAbsent(beforeLast.fault("after"), beforeLast);
        }
      }
      if (args.points.contains("row")) {
        Point row = new Point(stage, RunTables.RUN_MANIFEST.qualifiedName(), 1);
        faults.put(row.fault("after"), row);
      }
    });
    return faults;
  }

  private static boolean isTable(String target) {
    return PublishedTables.all().stream().anyMatch(t -> t.qualifiedName().equals(target));
  }

  /** The Delta tables a stage wrote in the reference run (files that are not tables left out). */
  static Set<String> tablesOf(List<Point> writes, String stage) {
    Set<String> tables = new LinkedHashSet<>();
    writes.stream().filter(p -> p.stage().equals(stage)).map(Point::target).forEach(tables::add);
    return tables;
  }

  /** The outcome of a nightly in a JVM of its own. */
  record Child(int status, String stderr) {
    String stderrTail() {
      return stderr.length() > 2000 ? stderr.substring(stderr.length() - 2000) : stderr;
    }
  }

  /**
   * {@code nightly} as bin/churnscope runs it, in a JVM of its own (this JVM's Java, class path and
   * {@code --add-opens} list), with {@code properties} and the bench's {@code --set}s.
   */
  static Child nightly(Args args, Lake lake, List<String> properties, List<String> flags) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + args.childHeap));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .forEach(command::add);
    command.add("-Dspark.master=" + System.getProperty("spark.master", "local[*]"));
    if (System.getProperty("log4j2.configurationFile") != null) {
      command.add("-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile"));
    }
    command.addAll(properties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.churnscope.jobs.Churnscope", "nightly",
        "--lake", lake.root(), "--run-date", args.endDate.toString()));
    if (args.conf != null) {
      command.addAll(List.of("--conf", args.conf.getPath()));
    }
    args.overrides.forEach((key, value) -> command.add("--set" + key + "=" + value));
    command.addAll(flags);
    Path err = Files.createTempFile("churnscope-fault", ".stderr");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(err.toFile()).start();
      if (!process.waitFor(30, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("a nightly did not end within 30 minutes: " + command);
      }
      return new Child(process.exitValue(), Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /**
   * Each table's rows as sorted text (only {@code tables}, or every published table when null), the
   * lake's folder written {@code <lake>}, run ids left out (no two runs share one); a table with a
   * {@code source} column source by source ({@code table/source}). The run manifest is not compared: the
   * chain's holds each dead run. An absent table has no rows.
   */
  static Map<String, List<String>> states(SparkSession spark, Lake lake, Set<String> tables) {
    Map<String, List<String>> out = new TreeMap<>();
    for (TableSpec table : PublishedTables.all()) {
      if (table.equals(RunTables.RUN_MANIFEST) || (tables != null && !tables.contains(table.qualifiedName()))) {
        continue;
      }
      Dataset<Row> rows = DeltaIO.exists(spark, lake.path(table)) ? DeltaIO.read(spark, lake, table) : null;
      if (rows != null && List.of(rows.columns()).contains("run_id")) {
        rows = rows.drop("run_id");
      }
      // A table several sources write, one commit each (the quarantine, the watermarks, the usage events of
      // clickstream and server logs): each source's rows are compared on their own.
      boolean bySource = rows != null && List.of(rows.columns()).contains("source");
      if (!bySource) {
        out.put(table.qualifiedName(), sorted(lake, rows));
        continue;
      }
      List<String> sources = rows == null ? List.of() : rows.select("source").distinct().collectAsList().stream()
          .map(r -> r.getString(0)).toList();
      for (String source : sources) {
        out.put(table.qualifiedName() + "/" + source, sorted(lake, rows.where(functions.col("source").equalTo(source))));
      }
    }
    return out;
  }

  private static List<String> sorted(Lake lake, Dataset<Row> rows) {
    return rows == null ? List.of()
        : rows.collectAsList().stream().map(r -> r.toString().replace(lake.root(), "<lake>")).sorted().toList();
  }

  private static Lake copy(Path from, Path to) throws IOException {
    FileUtils.copyDirectory(from.toFile(), to.toFile());
    return new Lake(to.toString());
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  private static Path write(Args args, List<Kill> kills, int writePoints, Set<String> differsByDesign, int lastStatus,
      long lastMs, List<String> differ, long interrupted, long halted, long seconds) throws IOException {
    StringBuilder md = new StringBuilder("# A driver killed at every stage's writes, then the date run again\n\n");
    md.append(String.format(Locale.ROOT, "Scale %s, %d days of usage, %d months of billing; the first nightly of %s. "
        + "%d write points in the uninterrupted run; %d faults injected one after the other on one lake, each in a "
        + "nightly JVM of its own (SIGKILL-like halt); %d min on 2 cores.%s%n%n", BenchJob.fmt(args.scale), args.historyDays,
        args.historyMonths, args.endDate, writePoints, kills.size(), seconds / 60,
        args.overrides.isEmpty() ? "" : " Settings: " + args.overrides + "."));
    md.append("| fault | stage | halted there | run s | tables at a third state |\n|---|---|---|---:|---|\n");
    for (Kill k : kills) {
      md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %.0f | %s |%n", k.fault(), k.stage(), k.halted() ? "yes" : "**no**",
          k.ms() / 1000.0, k.thirdStates().isEmpty() ? "none (" + k.compared().size() + " compared)"
              : "**" + String.join(", ", k.thirdStates()) + "**"));
    }
    md.append(String.format(Locale.ROOT, "%nThe last run (no fault): exit %d in %.0f s; %s; the run manifest holds %d "
        + "`interrupted` rows for %d kills.%n", lastStatus, lastMs / 1000.0,
        differ.isEmpty() ? "every compared table equals the uninterrupted run's, row for row"
            : "**tables that differ from the uninterrupted run: " + String.join(", ", differ) + "**", interrupted, halted));
    md.append(String.format("%nNot compared (two complete runs of the date differ in them too): %s.%n",
        differsByDesign.isEmpty() ? "none" : String.join(", ", differsByDesign)));
    Files.createDirectories(Path.of(args.out));
    Path file = args.result("faults-", ".md");
    Files.writeString(file, md);
    return file;
  }
}
