package io.churnscope.jobs.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** Writes hand-built raw deliveries into a test lake, exactly as a source would deliver them. */
final class RawFixture {
  private final Path lake;

  RawFixture(Path lake) {
    this.lake = lake;
  }

  RawFixture deliver(String rawDir, LocalDate dt, String... lines) {
    return deliver(rawDir, dt, "part-00000", List.of(lines));
  }

  RawFixture deliver(String rawDir, LocalDate dt, String fileName, List<String> lines) {
    try {
      Path dir = lake.resolve("raw").resolve(rawDir).resolve("dt=" + dt);
      Files.createDirectories(dir);
      Files.write(dir.resolve(fileName), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  static final String CRM_HEADER = "account_id,account_name,parent_account_id,created_date,acquisition_channel,campaign,"
      + "country,state,industry,employee_count,annual_revenue,owner_email,tier,last_modified_at";

  static String crm(String accountId, String channel) {
    return accountId + ",Acme " + accountId + ",,2025-01-15," + channel + ",spring_promo,US,CA,retail,40,1200000.00,"
        + "owner@acme.example,tier_2,2025-01-15T09:00:00Z";
  }

  static String track(String messageId, String userId, String groupId, String timestamp, String event) {
    String context = groupId == null ? "{}" : "{\"groupId\":\"" + groupId + "\",\"ip\":\"10.0.0.1\"}";
    return "{\"type\":\"track\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + userId + "\",\"timestamp\":\""
        + timestamp + "\",\"event\":\"" + event + "\",\"properties\":{\"feature\":\"reports\",\"email\":\"x@y.example\"},"
        + "\"context\":" + context + "}";
  }

  static String group(String messageId, String userId, String groupId, String timestamp) {
    return "{\"type\":\"group\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + userId + "\",\"groupId\":\""
        + groupId + "\",\"timestamp\":\"" + timestamp + "\",\"traits\":{\"name\":\"Acme\"}}";
  }

  static String identify(String messageId, String userId, String timestamp) {
    return "{\"type\":\"identify\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + userId + "\",\"timestamp\":\""
        + timestamp + "\",\"traits\":{\"email\":\"jane@acme.example\",\"name\":\"Jane Doe\"}}";
  }
}
