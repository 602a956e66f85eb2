package io.churnscope.common.cli;

import io.churnscope.common.UserError;
import com.beust.jcommander.DynamicParameter;
import com.beust.jcommander.IStringConverter;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.LakeSettings;
import io.churnscope.common.lake.Lake;
import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags every job shares. A job's own {@code Args} class extends this one and adds its flags.
 *
 * <p>{@code --lake} is the root URI of the lake (a local path, {@code s3a://}, {@code abfss://},
 * {@code hdfs://}); when omitted, {@code lake.root} from the configuration is used.
 */
public class JobArgs {
  @Parameter(names = "--run-date", converter = DateConverter.class,
      description = "The business date this run processes (YYYY-MM-DD). Defaults to yesterday in UTC.")
  public LocalDate runDate;

  @Parameter(names = "--lake",
      description = "Root URI of the lake: a local path, s3a://, abfss:// or hdfs://. Overrides lake.root.")
  public String lake;

  @Parameter(names = "--conf",
      description = "A HOCON file layered over conf/defaults.conf (see conf/demo.conf, conf/cluster-example.conf).")
  public File conf;

  @DynamicParameter(names = "--set",
      description = "Override one configuration key, e.g. --set engagement.idle-timeout-minutes=45. Repeatable.")
  public Map<String, String> overrides = new LinkedHashMap<>();

  @Parameter(names = {"--help", "-h"}, help = true, description = "Print this help and exit.")
  public boolean help;

  @Parameter(names = "--verbose",
      description = "Show Spark's, Delta's and Hive's INFO lines on the console too (they always go to the run's log "
          + "file under the lake, <lake>/_logs/).")
  public boolean verbose;

  private ChurnscopeConfig config;

  /** The configuration this run resolves: --set, then --conf, then the packaged defaults. */
  public ChurnscopeConfig config() {
    if (config == null) {
      config = ChurnscopeConfig.load(conf, overrides);
    }
    return config;
  }

  public Lake lake() {
    String root = lake != null ? lake : LakeSettings.ROOT.from(config());
    if (root.isBlank()) {
      throw new UserError("no lake given: pass --lake PATH or set lake.root in your --conf file");
    }
    return new Lake(root);
  }

  /** The lake, or null for a job run without one (a job on any table reads and writes paths it is given). */
  public Lake lakeIfGiven() {
    try {
      return lake();
    } catch (UserError e) {
      return null;
    }
  }

  public LocalDate runDate() {
    return runDate != null ? runDate : LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1);
  }

  /**
   * Checks flags and configuration before any Spark work; a job overrides it and calls super.
   * Throws {@link UserError}.
   */
  public void validate() {
    config();
    lake();
  }

  /** Parses {@code YYYY-MM-DD}, with an error that says so. */
  public static class DateConverter implements IStringConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new ParameterException("'" + value + "' is not a date: use YYYY-MM-DD, e.g. 2026-03-31");
      }
    }
  }
}
