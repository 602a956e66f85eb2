package io.churnscope.common.schema;

import java.util.Arrays;
import java.util.List;

/**
 * The raw zone's contract: each feed a source system delivers into {@code <lake>/raw/}, once.
 * Ingestion reads these folders and headers, the sample-lake generator writes them, and the tests
 * that count raw records find them here (docs/lake-layout.md describes the same layout).
 *
 * <p>Every feed is delivered by date into {@code raw/<folder>/dt=YYYY-MM-DD/}. A CSV feed's files
 * start with exactly {@link #header()}; a JSON-lines feed has no header (its fields are named in
 * each line, see ingestion's parsers).
 */
public enum RawFeed {
  CLICKSTREAM("clickstream", "clickstream", Format.JSON_LINES, List.of()),
  SERVER_LOGS("server_logs", "server_logs", Format.JSON_LINES, List.of()),
  RECORD_COUNTS("record_counts", "db_extracts/record_counts", Format.CSV,
      List.of("extract_date", "account_id", "object_type", "records_created")),
  CONFIG_SNAPSHOTS("config_snapshots", "db_extracts/config_snapshots", Format.CSV,
      List.of("snapshot_date", "account_id", "setting", "enabled")),
  SUBSCRIPTIONS("subscriptions", "billing/subscriptions", Format.CSV,
      List.of("subscription_id", "version", "account_id", "product", "plan", "billing_interval", "quantity",
          "unit_amount", "currency", "status", "trial_start", "trial_end", "start_date", "effective_date",
          "cancel_requested_at", "ended_at", "cancel_reason", "updated_at")),
  INVOICES("invoices", "billing/invoices", Format.CSV,
      List.of("invoice_id", "subscription_id", "account_id", "invoice_date", "kind", "amount", "currency",
          "period_start", "period_end")),
  FX_RATES("fx_rates", "billing/fx_rates", Format.CSV, List.of("rate_date", "currency", "rate_to_usd")),
  CRM_ACCOUNTS("crm_accounts", "crm/accounts", Format.CSV,
      List.of("account_id", "account_name", "parent_account_id", "created_date", "acquisition_channel", "campaign",
          "country", "state", "industry", "employee_count", "annual_revenue", "owner_email", "tier",
          "last_modified_at")),
  SUPPORT_TICKETS("support_tickets", "support/tickets", Format.CSV,
      List.of("ticket_id", "account_id", "user_id", "created_at", "closed_at", "priority", "category", "csat")),
  NPS_RESPONSES("nps_responses", "survey/nps", Format.CSV,
      List.of("response_id", "account_id", "user_id", "responded_at", "score", "comment"));

  /** How a feed's lines are written. */
  public enum Format { CSV, JSON_LINES }

  private final String sourceName;
  private final String folder;
  private final Format format;
  private final List<String> header;

  RawFeed(String sourceName, String folder, Format format, List<String> header) {
    this.sourceName = sourceName;
    this.folder = folder;
    this.format = format;
    this.header = header;
  }

  /** The source's name in quarantine, the run manifest and the generator's ground truth, e.g. {@code invoices}. */
  public String sourceName() {
    return sourceName;
  }

  /** Folder under {@code <lake>/raw/}, e.g. {@code billing/invoices}. */
  public String folder() {
    return folder;
  }

  public Format format() {
    return format;
  }

  /** A CSV feed's header columns in order; empty for JSON lines. */
  public List<String> header() {
    return header;
  }

  /** The position of a CSV column in {@link #header()}. */
  public int column(String name) {
    int index = header.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(sourceName + " has no column " + name);
    }
    return index;
  }

  /** The feed of a source name, e.g. {@code invoices}. */
  public static RawFeed named(String sourceName) {
    return Arrays.stream(values()).filter(f -> f.sourceName.equals(sourceName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no raw feed named " + sourceName));
  }
}
