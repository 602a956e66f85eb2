package io.churnscope.jobs.health;

import java.util.Arrays;
import java.util.List;

/**
 * The rules that put an account on a customer-success list (docs/health.md). A rule with a
 * threshold reads it from {@code health.actions.<rule>.<threshold>}; every rule has a call to action
 * there too.
 */
public enum ActionRule {
  USAGE_DROP("usage_drop", "at_risk", "below"),
  LOW_UTILIZATION("low_utilization", "at_risk", "below"),
  NO_ACTIVITY("no_activity", "at_risk", null),
  DETRACTOR("detractor", "at_risk", "at-most"),
  PAST_DUE("past_due", "at_risk", null),
  CHURN_RISK("churn_risk", "at_risk", "above"),
  OVER_LICENSED("over_licensed", "expansion", "above"),
  NEAR_CAPACITY("near_capacity", "expansion", "at-least"),
  FAST_ADOPTION("fast_adoption", "expansion", null),
  PROMOTER("promoter", "advocacy", "at-least"),
  HEAVY_ADOPTERS("heavy_adopters", "advocacy", null);

  private final String id;
  private final String list;
  private final String threshold;

  ActionRule(String id, String list, String threshold) {
    this.id = id;
    this.list = list;
    this.threshold = threshold;
  }

  public String id() {
    return id;
  }

  /** at_risk, expansion or advocacy. */
  public String list() {
    return list;
  }

  /** The name of the rule's threshold key ({@code below}, {@code at-least}, ...), or null for none. */
  public String threshold() {
    return threshold;
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(ActionRule::id).toList();
  }
}
