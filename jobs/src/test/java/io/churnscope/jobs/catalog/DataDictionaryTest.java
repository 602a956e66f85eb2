package io.churnscope.jobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.jobs.nightly.NightlyJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DataDictionaryTest {
  private static final Path COMMITTED = Path.of(System.getProperty("churnscope.conf.dir"), "..", "docs", "data-dictionary.md");

  @Test
  void theCommittedDictionaryIsCurrent() throws Exception {
    assertEquals(DataDictionary.render(PublishedTables.all(), NightlyJob.dag()), Files.readString(COMMITTED),
        "docs/data-dictionary.md is stale: run bin/churnscope data-dictionary docs/data-dictionary.md");
  }

  @Test
  void everyPublishedColumnIsExplained() {
    for (TableSpec table : PublishedTables.all()) {
      assertTrue(!table.comment().isBlank(), table.qualifiedName() + " has no description");
      Arrays.stream(table.schema().fields()).forEach(f -> assertTrue(
          f.getComment().isDefined() && !f.getComment().get().isBlank(), table.qualifiedName() + "." + f.name() + " has no comment"));
    }
  }

  @Test
  void everyPublishedTableNamesTheStageThatWritesIt() {
    String dictionary = DataDictionary.render(PublishedTables.all(), NightlyJob.dag());
    assertTrue(dictionary.contains("Written by `mrr-ledger` (`MrrLedgerStage`)."), "the ledger's writer is named");
    assertTrue(!dictionary.contains("Written by no stage"), "a published table that no stage writes");
  }
}
