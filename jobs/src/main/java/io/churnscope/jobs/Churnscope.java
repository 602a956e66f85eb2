package io.churnscope.jobs;

import io.churnscope.common.run.Stage;
import io.churnscope.jobs.nightly.NightlyJob;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of the shaded jar: {@code churnscope <command> [flags]}, the product's commands.
 * Each command is also a class with its own {@code main} that spark-submit can name with
 * {@code --class}. {@code bin/churnscope} runs the tools module's {@code ChurnscopeTools}, which adds
 * the tools kept out of this jar (demo, generate, bench, ...) to these commands.
 */
public final class Churnscope {
  /** A command: what it does, and its main. */
  public record Command(String summary, Main main) {}

  @FunctionalInterface
  public interface Main {
    void run(String[] argv) throws Exception;
  }

  private Churnscope() {}

  /** The product's commands, in the order {@code --help} lists them. */
  public static Map<String, Command> commands() {
    Map<String, Command> commands = new LinkedHashMap<>();
    commands.put("nightly", new Command("run the whole nightly DAG for --run-date", NightlyJob::main));
    for (Stage stage : NightlyJob.dag()) {
      commands.put(stage.name(), new Command("stage: " + stage.description(), argv -> {
        String[] withStage = Arrays.copyOf(argv, argv.length + 2);
        withStage[argv.length] = "--stages";
        withStage[argv.length + 1] = stage.name();
        NightlyJob.main(stage.name(), withStage);
      }));
    }
    commands.put("sql", new Command("run Spark SQL on a local lake's tables by name (marts.churn_metrics, ...)",
        io.churnscope.jobs.catalog.SqlJob::main));
    commands.put("maintain", new Command(
        "lake upkeep: OPTIMIZE small files, VACUUM files no published reader or recent snapshot needs (maintain.*)",
        io.churnscope.jobs.upkeep.MaintainJob::main));
    commands.put("data-dictionary", new Command("write the data dictionary (every table and column) to a markdown file",
        argv -> io.churnscope.jobs.catalog.DataDictionary.write(argv, NightlyJob.dag())));
    commands.put("ingest-mapped", new Command(
        "ingest files of another layout through a mapping in conf/mappings (e.g. ravenstack)",
        io.churnscope.jobs.ingest.mapping.MappedIngest::main));
    commands.put("hotspots", new Command(
        "churn hot-spots on any table or file: --input PATH --dimensions a,b --outcome COL --output PATH",
        io.churnscope.jobs.hotspots.HotspotJob::main));
    commands.put("churn-model", new Command(
        "a calibrated churn model on any table, with a holdout and each prediction's reasons: --input PATH --label COL "
            + "--features a,b --id COL --output PATH",
        io.churnscope.jobs.model.ChurnModelJob::main));
    return commands;
  }

  public static void main(String[] argv) throws Exception {
    run(argv, commands(), usage(""));
  }

  /**
   * Runs the command {@code argv[0]} names with the rest of {@code argv}: no command or
   * {@code --help} prints {@code usage}; an unknown command exits with status 2.
   */
  public static void run(String[] argv, Map<String, Command> commands, String usage) throws Exception {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
      System.out.println(usage);
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

  /**
   * The {@code --help} text: what Churnscope is, the product's commands, then {@code more} (a further
   * titled list of commands, or nothing), then the flags every job takes.
   */
  public static String usage(String more) {
    StringBuilder out = new StringBuilder("""
        Churnscope: nightly Spark jobs that turn product-usage, billing and CRM data into a customer
        cube, engagement and churn metrics, and churn hot-spots (Delta tables).

        Usage: churnscope <command> [flags]      (churnscope <command> --help for its flags)

        Commands:
        """);
    out.append(list(commands())).append(more);
    out.append("""

        Flags every job takes: --lake ROOT  --run-date YYYY-MM-DD  --conf FILE.conf  --set key=value
        Locally bin/churnscope runs on local[*]; on a cluster use spark-submit --class io.churnscope.jobs.Churnscope.
        """);
    return out.toString();
  }

  /** One line per command: its name and what it does. */
  public static String list(Map<String, Command> commands) {
    StringBuilder out = new StringBuilder();
    commands.forEach((name, command) -> out.append(String.format("  %-16s %s%n", name, command.summary())));
    return out.toString();
  }
}
