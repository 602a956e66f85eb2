package io.churnscope.tools.bench;

import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobArgs;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The flags every bench shares: where its results and its scratch data go, and the time stamp that
 * names this run's result files. A bench's own {@code Args} extends it (or {@link LakeBenchArgs}).
 */
public abstract class BenchArgs extends JobArgs {
  @Parameter(names = "--out", description = "Where the results go: files named by the bench and the run's time stamp.")
  public String out = "bench/results";

  @Parameter(names = "--work", description = "Where the bench's generated data goes (deleted afterwards unless kept).")
  public String work = "bench/work";

  /** When this run started, {@code yyyyMMdd-HHmmss}: names its result files. */
  final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));

  /** {@code <out>/<prefix><stamp><suffix>}, e.g. {@code bench/results/upkeep-20261206-141822.md}. */
  Path result(String prefix, String suffix) {
    return Path.of(out, prefix + stamp + suffix);
  }
}
