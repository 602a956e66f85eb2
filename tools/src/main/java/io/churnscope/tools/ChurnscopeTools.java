package io.churnscope.tools;

import io.churnscope.jobs.Churnscope;
import io.churnscope.jobs.Churnscope.Command;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of {@code bin/churnscope}: the product's commands ({@link Churnscope}) and the tools
 * that make, measure and show lakes — the demo, the sample-lake generator, the benchmarks — which stay
 * out of the jar users submit. A tool command runs here; every other command runs as
 * {@code Churnscope} runs it, from the product's own command map.
 *
 * <pre>bin/churnscope --help</pre>
 */
public final class ChurnscopeTools {
  private ChurnscopeTools() {}

  /** The tools, in the order {@code --help} lists them. */
  static Map<String, Command> tools() {
    Map<String, Command> tools = new LinkedHashMap<>();
    tools.put("demo", new Command("generate a scale-2 demo lake (or reuse it) and run the nightly on it",
        io.churnscope.tools.demo.DemoJob::main));
    tools.put("generate", new Command("generate a sample lake with planted ground truth",
        io.churnscope.generator.SampleLakeGenerator::main));
    tools.put("bench", new Command(
        "measure the nightly on generated lakes at several scales and histories, beside DuckDB (bench/run)",
        io.churnscope.tools.bench.BenchJob::main));
    tools.put("check-planted", new Command(
        "check a generated lake's nightly hot-spots against the generator's planted truth (bench/planted-hotspots)",
        io.churnscope.tools.bench.PlantedHotspotCheck::main));
    tools.put("bench-hotspots", new Command(
        "time the hot-spot search on a synthetic population (default 1,000,000 accounts x 12 dimensions, bench/hotspots)",
        io.churnscope.tools.bench.HotspotScaleBench::main));
    tools.put("bench-planted-power", new Command(
        "the hot-spot search's power and false discoveries under each parent test, over planted and null populations "
            + "(bench/planted-power)",
        io.churnscope.tools.bench.PlantedPowerBench::main));
    tools.put("bench-upkeep", new Command(
        "the lake's size after N nightlies with and without maintain, on a small generated lake (bench/upkeep)",
        io.churnscope.tools.bench.UpkeepBench::main));
    tools.put("bench-faults", new Command(
        "the nightly's driver killed at every stage's writes, then the date run again: no table at a state no run "
            + "left, the last run equal to an uninterrupted one (bench/faults)",
        io.churnscope.tools.bench.FaultBench::main));
    return tools;
  }

  /** The product's commands, then the tools; a tool may not take a product command's name. */
  static Map<String, Command> commands() {
    Map<String, Command> commands = Churnscope.commands();
    tools().forEach((name, tool) -> {
      if (commands.putIfAbsent(name, tool) != null) {
        throw new IllegalStateException("tool '" + name + "' has the name of a product command");
      }
    });
    return commands;
  }

  static String usage() {
    return Churnscope.usage("\nTools (bin/churnscope only; not in the jar spark-submit runs):\n" + Churnscope.list(tools()));
  }

  public static void main(String[] argv) throws Exception {
    Churnscope.run(argv, commands(), usage());
  }
}
