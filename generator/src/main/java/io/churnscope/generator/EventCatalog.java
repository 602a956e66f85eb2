package io.churnscope.generator;

/**
 * The product's features and the events each produces: Segment track events (Title Case names) and
 * the application's server-log actions (dotted names). Passive events are system-generated and do
 * not make a user active.
 */
final class EventCatalog {
  private EventCatalog() {}

  static final String[] FEATURES = {"reports", "tasks", "collaboration", "integrations", "automation", "search",
      "exports", "admin"};
  static final int AUTOMATION = 4;

  static final String EMAIL_SENT = "Email Sent";
  static final String NOTIFICATION_DELIVERED = "Notification Delivered";
  static final String DIGEST_SENT = "Digest Sent";

  static final String SIGNED_IN = "Signed In";
  static final String HELP_ARTICLE_VIEWED = "Help Article Viewed";
  static final String TASK_STARTED = "Task Started";
  static final String TASK_COMPLETED = "Task Completed";
  static final String WIZARD_FUNNEL = "setup_wizard";
  static final String WIZARD_STARTED = "Wizard Started";
  static final String WIZARD_STEP_COMPLETED = "Wizard Step Completed";
  static final String WIZARD_COMPLETED = "Wizard Completed";
  /** Probability of going on after each wizard step: started → step 1 → step 2 → step 3 → completed. */
  static final double[] WIZARD_CONTINUE = {0.8, 0.75, 0.8, 0.9};

  /** Track events per feature (tasks are handled as a flow: started, maybe help loops, completed). */
  static final String[][] FEATURE_EVENTS = {
      {"Report Viewed", "Report Viewed", "Report Created"},
      {"Task Created"},
      {"Comment Added", "Comment Added", "File Shared"},
      {"Integration Synced", "Integration Synced", "Integration Connected"},
      {"Automation Run", "Automation Run", "Automation Created"},
      {"Search Performed"},
      {"Export Requested"},
      {"Settings Updated", "User Invited"}};

  /** The server-log action written when a feature's event happens (one per feature). */
  static final String[] SERVER_ACTIONS = {"report.rendered", "task.updated", "comment.created", "integration.sync",
      "automation.run", "search.query", "export.completed", "admin.settings_updated"};

  /** Page name and path visited before using a feature. */
  static final String[][] PAGES = {
      {"Reports", "/reports"}, {"Tasks", "/tasks"}, {"Inbox", "/inbox"}, {"Integrations", "/settings/integrations"},
      {"Automations", "/automations"}, {"Search", "/search"}, {"Exports", "/exports"}, {"Admin", "/admin"}};

  static final String[] OBJECT_TYPES = {"report", "task", "comment", "automation"};
  static final String[] SETTINGS = {"sso", "two_factor", "weekly_digest", "slack_integration",
      "salesforce_integration", "api_access", "custom_fields", "automation_rules"};
}
