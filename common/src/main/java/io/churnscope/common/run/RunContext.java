package io.churnscope.common.run;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.Lake;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What every stage of one run shares: its id, the business date, the lake and the configuration.
 *
 * @param runId {@code <run date>T<start time>}, unique per run; written to the manifest and quarantine
 */
public record RunContext(String runId, LocalDate runDate, Lake lake, ChurnscopeConfig config) {
  public static RunContext start(LocalDate runDate, Lake lake, ChurnscopeConfig config) {
    String started = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    return new RunContext(runDate + "@" + started, runDate, lake, config);
  }
}
