package io.churnscope.jobs;

import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.run.Stage;
import io.churnscope.jobs.nightly.NightlyJob;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one entry point of {@code bin/churnscope} and of the shaded jar:
 * {@code churnscope <command> [flags]}. Each command is also a class with its own {@code main}
 * that spark-submit can name with {@code --class}.
 */
public final class Churnscope {
  /** A command: what it does, and its main. */
  private record Command(String summary, Main main) {}

  @FunctionalInterface
  private interface Main {
    void run(String[] argv) throws Exception;
  }

  private Churnscope() {}

  private static Map<String, Command> commands() {
    Map<String, Command> commands = new LinkedHashMap<>();
    commands.put("demo", new Command("generate a scale-1 demo lake (or reuse it) and run the nightly on it",
        io.churnscope.jobs.demo.DemoJob::main));
    commands.put("generate", new Command("generate a sample lake with planted ground truth",
        io.churnscope.generator.SampleLakeGenerator::main));
    commands.put("nightly", new Command("run the whole nightly DAG for --run-date", NightlyJob::main));
    for (Stage stage : NightlyJob.dag()) {
      commands.put(stage.name(), new Command("stage: " + stage.description(), argv -> {
        String[] withStage = Arrays.copyOf(argv, argv.length + 2);
        withStage[argv.length] = "--stages";
        withStage[argv.length + 1] = stage.name();
        JobRunner.main(stage.name(), withStage, new NightlyJob.Args(), NightlyJob::run);
      }));
    }
    commands.put("sql", new Command("run Spark SQL on a local lake's tables by name (marts.churn_metrics, ...)",
        io.churnscope.jobs.catalog.SqlJob::main));
    commands.put("data-dictionary", new Command("write the data dictionary (every table and column) to a markdown file",
        argv -> io.churnscope.jobs.catalog.DataDictionary.write(argv, NightlyJob.dag())));
    commands.put("ingest-mapped", new Command(
        "ingest files of another layout through a mapping in conf/mappings (e.g. ravenstack)",
        io.churnscope.jobs.ingest.mapping.MappedIngest::main));
    commands.put("hotspots", new Command(
        "churn hot-spots on any table or file: --input PATH --dimensions a,b --outcome COL --output PATH",
        io.churnscope.jobs.hotspots.HotspotJob::main));
    commands.put("bench", new Command(
        "measure the nightly on generated lakes at several scales and histories, beside DuckDB (bench/run)",
        io.churnscope.jobs.bench.BenchJob::main));
    commands.put("check-planted", new Command(
        "check a generated lake's nightly hot-spots against the generator's planted truth (bench/planted-hotspots)",
        io.churnscope.jobs.bench.PlantedHotspotCheck::main));
    commands.put("bench-hotspots", new Command(
        "time the hot-spot search on a synthetic population (default 1,000,000 accounts x 12 dimensions, bench/hotspots)",
        io.churnscope.jobs.bench.HotspotScaleBench::main));
    return commands;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, Command> commands = commands();
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
      System.out.println(usage(commands));
      return;
    }
    Command command = commands.get(argv[0]);
    if (command == null) {
      System.err.println("churnscope: unknown command '" + argv[0] + "'. Commands: " + String.join(", ", commands.keySet())
          + " (churnscope --help explains each)");
      System.exit(2);
    }
    command.main().run(Arrays.copyOfRange(argv, 1, argv.length));
  }

  static String usage(Map<String, Command> commands) {
    StringBuilder out = new StringBuilder("""
        Churnscope: nightly Spark jobs that turn product-usage, billing and CRM data into a customer
        cube, engagement and churn metrics, and churn hot-spots (Delta tables).

        Usage: churnscope <command> [flags]      (churnscope <command> --help for its flags)

        Commands:
        """);
    commands.forEach((name, command) -> out.append(String.format("  %-16s %s%n", name, command.summary())));
    out.append("""

        Flags every job takes: --lake ROOT  --run-date YYYY-MM-DD  --conf FILE.conf  --set key=value
        Locally bin/churnscope runs on local[*]; on a cluster use spark-submit --class io.churnscope.jobs.Churnscope.
        """);
    return out.toString();
  }
}
