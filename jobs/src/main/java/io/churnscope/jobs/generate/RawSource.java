package io.churnscope.jobs.generate;

import java.util.List;

/**
 * The raw-zone sources of {@code docs/lake-layout.md}: the name the ground truth uses, the folder
 * under {@code raw/}, and for CSV sources the exact header.
 */
enum RawSource {
  CLICKSTREAM("clickstream", "clickstream", List.of()),
  SERVER_LOGS("server_logs", "server_logs", List.of()),
  RECORD_COUNTS("record_counts", "db_extracts/record_counts",
      List.of("extract_date", "account_id", "object_type", "records_created")),
  CONFIG_SNAPSHOTS("config_snapshots", "db_extracts/config_snapshots",
      List.of("snapshot_date", "account_id", "setting", "enabled")),
  SUBSCRIPTIONS("subscriptions", "billing/subscriptions",
      List.of("subscription_id", "version", "account_id", "product", "plan", "billing_interval", "quantity",
          "unit_amount", "currency", "status", "trial_start", "trial_end", "start_date", "effective_date",
          "cancel_requested_at", "ended_at", "cancel_reason", "updated_at")),
  INVOICES("invoices", "billing/invoices",
      List.of("invoice_id", "subscription_id", "account_id", "invoice_date", "kind", "amount", "currency",
          "period_start", "period_end")),
  FX_RATES("fx_rates", "billing/fx_rates", List.of("rate_date", "currency", "rate_to_usd")),
  CRM_ACCOUNTS("crm_accounts", "crm/accounts",
      List.of("account_id", "account_name", "parent_account_id", "created_date", "acquisition_channel", "campaign",
          "country", "state", "industry", "employee_count", "annual_revenue", "owner_email", "tier",
          "last_modified_at")),
  SUPPORT_TICKETS("support_tickets", "support/tickets",
      List.of("ticket_id", "account_id", "user_id", "created_at", "closed_at", "priority", "category", "csat")),
  NPS_RESPONSES("nps_responses", "survey/nps",
      List.of("response_id", "account_id", "user_id", "responded_at", "score", "comment"));

  /** Name in the ground truth's per-source maps. */
  final String truthName;
  /** Folder under {@code <lake>/raw/}. */
  final String folder;
  /** CSV header; empty for JSON-lines sources. */
  final List<String> columns;

  RawSource(String truthName, String folder, List<String> columns) {
    this.truthName = truthName;
    this.folder = folder;
    this.columns = columns;
  }

  int column(String name) {
    int index = columns.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(truthName + " has no column " + name);
    }
    return index;
  }
}
