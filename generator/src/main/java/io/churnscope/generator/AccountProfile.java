package io.churnscope.generator;

import java.time.LocalDate;

/**
 * What an account is, drawn once from the catalog: CRM attributes, the plan and seats it first buys,
 * how it arrived (pre-existing customer, trial, direct purchase) and its latent adoption.
 *
 * @param adoption latent share of licensed seats whose users actually use the product; below
 *     {@link Bands#LOW_UTILIZATION_BELOW} it is an adoption problem
 * @param preexisting a customer since before the history window (its first version is in the first delivery)
 * @param signupDate trial start, purchase date, or (pre-existing) original purchase date
 * @param trial starts with a 14-day trial
 * @param trialConverts the trial converts to a paid subscription (when it ends before end-date)
 */
record AccountProfile(
    int index, String accountId, String accountName, String parentAccountId, LocalDate createdDate,
    String channel, String campaign, String country, String state, String zone, String industry,
    int employeeCount, long annualRevenue, String ownerEmail, String tier, String currency,
    String plan, int seats, String billingInterval, double adoption,
    boolean preexisting, LocalDate signupDate, boolean trial, boolean trialConverts) {

  static String accountId(int index) {
    return String.format("acc-%06d", index + 1);
  }

  String sizeBand() {
    return Bands.sizeBand(employeeCount);
  }

  String utilizationBand() {
    return Bands.utilizationBand(adoption);
  }

  /** The value of a segment dimension (CRM column names, plus size_band, plan and utilization_band). */
  String dimension(String name, String currentPlan) {
    return switch (name) {
      case "acquisition_channel" -> channel;
      case "campaign" -> campaign;
      case "country" -> country;
      case "state" -> state;
      case "industry" -> industry;
      case "size_band" -> sizeBand();
      case "plan" -> currentPlan;
      case "utilization_band" -> utilizationBand();
      case "tier" -> tier;
      default -> throw new IllegalArgumentException("unknown segment dimension " + name);
    };
  }
}
