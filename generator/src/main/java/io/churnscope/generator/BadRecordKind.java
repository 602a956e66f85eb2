package io.churnscope.generator;

/**
 * The kinds of deliberately bad records. Each bad record is an extra record of exactly one kind, so
 * counts can be recounted from the raw files without ambiguity.
 */
final class BadRecordKind {
  static final String MALFORMED_JSON = "malformed_json";
  static final String MISSING_FIELD = "missing_field";
  static final String WRONG_TYPE = "wrong_type";
  static final String DUPLICATE = "duplicate";
  static final String UNKNOWN_ACCOUNT = "unknown_account";
  static final String NEGATIVE_AMOUNT = "negative_amount";
  static final String UNKNOWN_CURRENCY = "unknown_currency";

  /** The currency code planted as unknown. */
  static final String UNKNOWN_CURRENCY_CODE = "XYZ";

  private BadRecordKind() {}

  /** An account id that no account has: {@code acc-9xxxxx} (scale is capped well below 900). */
  static String unknownAccountId(java.util.SplittableRandom r) {
    return "acc-" + (900_000 + r.nextInt(99_999));
  }
}
