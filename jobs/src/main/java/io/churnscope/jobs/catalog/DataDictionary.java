package io.churnscope.jobs.catalog;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.Stage;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.types.StructField;

/**
 * Renders {@code docs/data-dictionary.md} from the table specs, the one place every column's
 * meaning is written (the same comments reach the Delta log, the metastore and the DuckDB
 * catalog). A test fails when the committed file is stale.
 *
 * <pre>bin/churnscope data-dictionary docs/data-dictionary.md</pre>
 */
public final class DataDictionary {
  private DataDictionary() {}

  /** The command: {@code argv} names the file to write; {@code dag} the stages whose writes it names. */
  public static void write(String[] argv, List<Stage> dag) throws IOException {
    if (argv.length != 1 || argv[0].startsWith("-")) {
      System.err.println("churnscope data-dictionary: give the file to write, e.g. docs/data-dictionary.md");
      System.exit(2);
    }
    Files.writeString(Path.of(argv[0]), render(PublishedTables.all(), dag), StandardCharsets.UTF_8);
  }

  /** Every table of {@code tables}, with the stages of {@code dag} that write it and their classes. */
  public static String render(List<TableSpec> tables, List<Stage> dag) {
    StringBuilder out = new StringBuilder("""
        # Data dictionary

        Every table Churnscope publishes, zone by zone, with every column. Generated from the table
        specs in `common/src/main/java/io/churnscope/common/schema` by
        `bin/churnscope data-dictionary docs/data-dictionary.md`; do not edit by hand.
        Read a table by name (`bin/churnscope sql`), through the DuckDB catalog or its symlink
        manifest: see [catalog.md](catalog.md).

        """);
    String zone = "";
    for (TableSpec table : tables) {
      if (!table.zone().equals(zone)) {
        zone = table.zone();
        out.append("## ").append(zone).append("\n\n");
      }
      out.append("### ").append(table.qualifiedName()).append("\n\n").append(table.comment()).append("\n\n");
      out.append(writtenBy(table, dag)).append("\n\n");
      if (!table.partitionBy().isEmpty()) {
        out.append("Partitioned by ").append(String.join(", ", table.partitionBy())).append(".\n\n");
      }
      out.append("| column | type | null | meaning |\n|---|---|---|---|\n");
      for (StructField column : table.schema().fields()) {
        out.append("| `").append(column.name()).append("` | ").append(column.dataType().sql().toLowerCase())
            .append(" | ").append(column.nullable() ? "yes" : "no").append(" | ")
            .append(column.getComment().isDefined() ? column.getComment().get().replace("|", "\\|") : "")
            .append(" |\n");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** The hop from a table to its code: the stages that write it, by command and class. */
  private static String writtenBy(TableSpec table, List<Stage> dag) {
    List<String> writers = dag.stream().filter(s -> s.dataFlow().writes().contains(table))
        .map(s -> "`" + s.name() + "` (`" + s.getClass().getSimpleName() + "`)").toList();
    if (writers.isEmpty()) {
      if (table.equals(RunTables.RUN_MANIFEST)) {
        return "Written by every run, after each stage (`RunManifest`).";
      }
      return StagedTables.MAPPED_ONLY.contains(table)
          ? "Written by `ingest-mapped` (`MappedIngest`) from a mapping in conf/mappings; no nightly source feeds it."
          : "Written by no stage of the nightly.";
    }
    return "Written by " + String.join(", ", writers) + ".";
  }
}
