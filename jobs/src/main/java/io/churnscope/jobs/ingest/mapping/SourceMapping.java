package io.churnscope.jobs.ingest.mapping;

import io.churnscope.common.config.Identifiers;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.churnscope.common.UserError;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.StagedTables;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.StructField;

/**
 * A declarative mapping of another layout onto Churnscope's staged tables, read from HOCON (see
 * {@code conf/mappings/ravenstack.conf}). Each entry names a CSV file, the staged table it feeds,
 * the key that identifies a record, and one Spark SQL expression per staged column over the
 * file's columns. Required staged columns must be mapped; unmapped optional ones are null.
 *
 * @param name the mapping's name; quarantine rows carry {@code <name>.<table>} as their source
 */
public record SourceMapping(String name, String description, List<TableMapping> tables) {
  /** Columns every staged table has that ingestion fills itself. */
  static final Set<String> LINEAGE = Set.of("ingest_date", "source_file");

  /**
   * One file onto one staged table.
   *
   * @param accountFromSubscription a column of the file holding a subscription id: when set, the
   *     account of that subscription (from {@code staged.subscription_versions}) is offered to the
   *     expressions as column {@code subscription_account_id}
   */
  public record TableMapping(TableSpec target, String file, List<String> key, Map<String, String> columns,
      String accountFromSubscription) {}

  /** Loads a mapping by file path, or by name from the packaged {@code conf/mappings/<name>.conf}. */
  public static SourceMapping load(String nameOrFile) {
    File file = new File(nameOrFile);
    Config config;
    try {
      if (file.isFile()) {
        config = ConfigFactory.parseFile(file).resolve();
      } else {
        config = ConfigFactory.parseResources("churnscope/mappings/" + nameOrFile + ".conf").resolve();
        if (config.isEmpty()) {
          throw new UserError("--mapping " + nameOrFile + ": no such file, and no packaged mapping of that name "
              + "(conf/mappings/ has: ravenstack)");
        }
      }
      return parse(config, nameOrFile);
    } catch (ConfigException e) {
      throw new UserError("--mapping " + nameOrFile + ": " + e.getMessage());
    }
  }

  static SourceMapping parse(Config config, String origin) {
    List<TableMapping> tables = new ArrayList<>();
    for (Config entry : config.getConfigList("tables")) {
      String targetName = entry.getString("target");
      TableSpec target = StagedTables.ALL.stream().filter(t -> t.name().equals(targetName)).findFirst()
          .orElseThrow(() -> new UserError(origin + ": target '" + targetName + "' is not a staged table; the staged tables are "
              + StagedTables.ALL.stream().map(TableSpec::name).toList()));
      Map<String, String> columns = new LinkedHashMap<>();
      Config columnConfig = entry.getConfig("columns");
      for (StructField field : target.schema().fields()) {
        if (LINEAGE.contains(field.name())) {
          continue;
        }
        if (columnConfig.hasPath(field.name())) {
          columns.put(field.name(), columnConfig.getString(field.name()));
        } else if (!field.nullable()) {
          throw new UserError(origin + ": " + targetName + " needs column '" + field.name() + "' mapped");
        }
      }
      for (var mapped : columnConfig.root().keySet()) {
        if (target.schema().getFieldIndex(mapped).isEmpty()) {
          throw new UserError(origin + ": " + targetName + " has no column '" + mapped + "'");
        }
      }
      String fromSubscription = entry.hasPath("account-from-subscription") ? entry.getString("account-from-subscription") : null;
      String file = Identifiers.relativePath(origin + ": " + targetName + ".file", entry.getString("file"));
      List<String> key = entry.getStringList("key").stream().map(k -> Identifiers.name(origin + ": " + targetName + ".key", k))
          .toList();
      tables.add(new TableMapping(target, file, key, columns, fromSubscription));
    }
    // The name goes into the quarantine's source and its replaceWhere predicate.
    return new SourceMapping(Identifiers.name(origin + ": name", config.getString("name")), config.getString("description"),
        tables);
  }
}
