package io.churnscope.generator;

import java.util.Map;

/**
 * The values account attributes are drawn from, with their weights. Only the planted hot-spots tie
 * an attribute to churn; the weights are skewed so that every planted segment holds 60–200
 * customers at scale 1 (e.g. small companies mostly buy the starter plan).
 */
final class AccountCatalog {
  private AccountCatalog() {}

  static final String[] CHANNELS = {"organic", "paid_search", "reseller", "partner", "outbound_sales", "referral"};
  static final double[] CHANNEL_WEIGHTS = {0.30, 0.16, 0.20, 0.10, 0.12, 0.12};

  static final Map<String, String[]> CAMPAIGNS = Map.of(
      "organic", new String[] {"seo-blog", "product-hunt", ""},
      "paid_search", new String[] {"gads-brand", "gads-generic", "bing-generic"},
      "reseller", new String[] {"reseller-northwind", "reseller-contoso"},
      "partner", new String[] {"partner-marketplace", "partner-integrations"},
      "outbound_sales", new String[] {"outbound-q-enterprise", "outbound-smb-blitz"},
      "referral", new String[] {"customer-referral", "affiliate"});

  static final String[] COUNTRIES = {"US", "CA", "GB", "DE", "FR", "AU", "IN", "BR"};
  static final double[] COUNTRY_WEIGHTS = {0.45, 0.08, 0.12, 0.09, 0.07, 0.06, 0.07, 0.06};

  /** State or province, and the IANA time zone its users work in. */
  static final Map<String, String[][]> STATES = Map.of(
      "US", new String[][] {{"CA", "America/Los_Angeles"}, {"WA", "America/Los_Angeles"}, {"CO", "America/Denver"},
          {"TX", "America/Chicago"}, {"IL", "America/Chicago"}, {"NY", "America/New_York"},
          {"MA", "America/New_York"}, {"FL", "America/New_York"}, {"GA", "America/New_York"}},
      "CA", new String[][] {{"ON", "America/Toronto"}, {"QC", "America/Toronto"}, {"BC", "America/Vancouver"},
          {"AB", "America/Edmonton"}},
      "GB", new String[][] {{"ENG", "Europe/London"}, {"SCT", "Europe/London"}},
      "DE", new String[][] {{"BY", "Europe/Berlin"}, {"BE", "Europe/Berlin"}, {"HH", "Europe/Berlin"}},
      "FR", new String[][] {{"IDF", "Europe/Paris"}, {"ARA", "Europe/Paris"}},
      "AU", new String[][] {{"NSW", "Australia/Sydney"}, {"VIC", "Australia/Melbourne"}, {"QLD", "Australia/Brisbane"}},
      "IN", new String[][] {{"MH", "Asia/Kolkata"}, {"KA", "Asia/Kolkata"}, {"DL", "Asia/Kolkata"}},
      "BR", new String[][] {{"SP", "America/Sao_Paulo"}, {"RJ", "America/Sao_Paulo"}});

  static final Map<String, String> CURRENCY_BY_COUNTRY = Map.of(
      "US", "USD", "CA", "CAD", "GB", "GBP", "DE", "EUR", "FR", "EUR", "AU", "AUD", "IN", "USD", "BR", "USD");

  static final String[] INDUSTRIES = {"retail", "software", "healthcare", "finance", "manufacturing",
      "education", "media", "nonprofit"};
  static final double[] INDUSTRY_WEIGHTS = {0.30, 0.20, 0.10, 0.10, 0.11, 0.08, 0.06, 0.05};

  static final String[] SIZE_BANDS = {"small", "medium", "large"};
  static final double[] SIZE_WEIGHTS = {0.50, 0.35, 0.15};

  static final String[] PLANS = {"starter", "growth", "enterprise"};
  /** Plan weights by size band (rows follow SIZE_BANDS). */
  static final double[][] PLAN_WEIGHTS_BY_SIZE = {{0.70, 0.25, 0.05}, {0.35, 0.50, 0.15}, {0.10, 0.40, 0.50}};

  /** Monthly list price per seat of each plan (columns follow PLANS), by currency. Annual = 10 months. */
  static final Map<String, double[]> SEAT_PRICE = Map.of(
      "USD", new double[] {15, 35, 70},
      "EUR", new double[] {14, 32, 65},
      "GBP", new double[] {12, 28, 56},
      "CAD", new double[] {20, 47, 94},
      "AUD", new double[] {22, 52, 104});

  /** Monthly price per seat of the add-on products, by currency: analytics, automation. */
  static final Map<String, double[]> ADDON_PRICE = Map.of(
      "USD", new double[] {8, 12},
      "EUR", new double[] {7, 11},
      "GBP", new double[] {6, 9},
      "CAD", new double[] {11, 16},
      "AUD", new double[] {12, 18});

  static final String[] CANCEL_REASONS = {"price", "product_gap", "support", "competitor", "no_usage",
      "out_of_business", "acquired"};
  static final double[] CANCEL_REASON_WEIGHTS = {0.25, 0.20, 0.10, 0.15, 0.12, 0.12, 0.06};

  static final String[] OWNERS = {"dana.k", "lee.m", "priya.s", "tom.b", "ana.r", "sam.w"};

  static final String[] NAME_PARTS_A = {"Blue", "North", "Bright", "Summit", "Cedar", "Iron", "Nova", "Harbor",
      "Silver", "Maple", "Atlas", "Orbit", "Pine", "Delta", "Vertex", "Lumen"};
  static final String[] NAME_PARTS_B = {"Labs", "Works", "Retail", "Health", "Partners", "Systems", "Goods",
      "Group", "Studio", "Logistics", "Foods", "Media", "Capital", "Learning", "Supply", "Co"};
  static final String[] FIRST_NAMES = {"Alex", "Maria", "Chen", "Fatima", "John", "Aisha", "Luca", "Sofia",
      "Ravi", "Emma", "Noah", "Olga", "Kenji", "Zoe", "Mateo", "Ines", "O'Brien", "Zoë"};
  static final String[] LAST_NAMES = {"Smith", "Garcia", "Müller", "Nguyen", "Patel", "Kim", "Rossi", "Dubois",
      "Silva", "Brown", "O'Neil", "Kowalski", "Haddad", "Tanaka", "Novak", "Jones"};
  static final String[] TITLES = {"Analyst", "Manager", "Director", "Engineer", "Coordinator", "VP \"Ops\"",
      "Owner", "Associate"};
}
