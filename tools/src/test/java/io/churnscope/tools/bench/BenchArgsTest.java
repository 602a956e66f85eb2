package io.churnscope.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.beust.jcommander.JCommander;
import io.churnscope.common.UserError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flags the benches share (BenchArgs, LakeBenchArgs): one parse, one check, each bench's own defaults. */
class BenchArgsTest {
  private static <T extends BenchArgs> T parse(T args, String... argv) {
    JCommander.newBuilder().addObject(args).build().parse(argv);
    args.validate();
    return args;
  }

  @Test
  void everyLakeBenchRefusesTooShortAHistoryInTheSameWords() {
    for (LakeBenchArgs args : List.of(new BenchJob.Args(), new UpkeepBench.Args())) {
      UserError error = assertThrows(UserError.class, () -> parse(args, "--history-days", "7"), args.getClass().getName());
      assertEquals("--history-days: at least 14 (the generator's minimum of usage history)", error.getMessage());
    }
    assertEquals("--history-months: at least 1",
        assertThrows(UserError.class, () -> parse(new UpkeepBench.Args(), "--history-months", "0")).getMessage());
  }

  @Test
  void eachBenchKeepsItsDefaultsAndNamesItsResultsByTheRunsStamp() {
    BenchJob.Args bench = parse(new BenchJob.Args());
    UpkeepBench.Args upkeep = parse(new UpkeepBench.Args());
    HotspotScaleBench.Args hotspots = parse(new HotspotScaleBench.Args());
    assertEquals(List.of(6, "bench/work", "bench/results"), List.of(bench.historyMonths, bench.work, bench.out));
    assertEquals(List.of(3, "bench/work/upkeep", "bench/results"), List.of(upkeep.historyMonths, upkeep.work, upkeep.out));
    assertEquals("bench/work", hotspots.work);
    UpkeepBench.Args elsewhere = parse(new UpkeepBench.Args(), "--out", "x");
    assertEquals(Path.of("x", "upkeep-" + elsewhere.stamp + ".md"), elsewhere.result("upkeep-", ".md"));
    assertEquals(List.of(20, 4), List.of(parse(new UpkeepBench.Args(), "--history-days", "20", "--history-months", "4").historyDays,
        parse(new UpkeepBench.Args(), "--history-months", "4").historyMonths));
  }
}
