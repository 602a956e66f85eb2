package io.churnscope.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.jobs.Churnscope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bin/churnscope knows every command: the product's (the jar's dispatcher) and the tools. */
class ChurnscopeToolsTest {
  @Test
  void theProductKnowsNoToolAndBinChurnscopeKnowsBoth() {
    List<String> expected = new ArrayList<>(Churnscope.commands().keySet());
    assertTrue(expected.contains("nightly") && !expected.contains("generate"), expected.toString());
    expected.addAll(List.of("demo", "generate", "bench", "check-planted", "bench-hotspots", "bench-planted-power",
        "bench-upkeep", "bench-faults"));
    assertEquals(expected, List.copyOf(ChurnscopeTools.commands().keySet()));
  }

  @Test
  void helpListsTheProductsCommandsThenTheTools() {
    String help = ChurnscopeTools.usage();
    int nightly = help.indexOf("\n  nightly ");
    int tools = help.indexOf("\nTools ");
    int generate = help.indexOf("\n  generate ");
    assertTrue(nightly > 0 && nightly < tools && tools < generate, help);
    assertTrue(!Churnscope.usage("").contains("\n  generate "), "the jar's --help lists no tool");
  }
}
