package io.churnscope.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quarantine-share gate judges a share only where the count is evidence of it. */
class IngestCountsTest {
  static IngestCounts counts(long in, long quarantined) {
    return new IngestCounts(in, in - quarantined, quarantined, Map.of("wrong_type", quarantined));
  }

  @Test
  void oneBadRecordInATinyDeliveryIsNotEvidenceOfABrokenSource() {
    assertFalse(counts(5, 1).exceedsShare(0.05), "1 of 5: 23 % likely at a 5 % bad rate");
    assertFalse(counts(20, 2).exceedsShare(0.05), "2 of 20: 26 % likely");
    counts(5, 1).enforceQuarantineShare("subscriptions", ChurnscopeConfig.defaults());
  }

  @Test
  void aMostlyBadDeliveryFailsHoweverSmall() {
    assertTrue(counts(3, 2).exceedsShare(0.05), "2 of 3: 0.7 % likely");
    io.churnscope.common.UserError error = assertThrows(io.churnscope.common.UserError.class,
        () -> counts(3, 2).enforceQuarantineShare("clickstream", ChurnscopeConfig.defaults()));
    assertTrue(error.getMessage().startsWith("clickstream: 2 of 3 records (66.7 %) failed their checks")
        && !error.getMessage().contains("\n"), error.getMessage());
  }

  @Test
  void onThousandsOfRecordsItIsThePlainThreshold() {
    assertTrue(counts(100_000, 6_000).exceedsShare(0.05), "6 % of 100,000");
    assertFalse(counts(100_000, 4_900).exceedsShare(0.05), "4.9 % is under the share");
    assertFalse(counts(0, 0).exceedsShare(0.05));
    assertTrue(counts(10, 1).exceedsShare(0.0), "a zero share tolerates nothing");
  }
}
