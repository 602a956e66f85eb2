package io.churnscope.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known answers: what a quarantined line keeps, and the personal data it no longer holds. */
class QuarantineRedactionTest {
  static final PrivacySettings PRIVACY = new PrivacySettings("s3cret", List.of("email", "name", "ip", "owner_email",
      "account_name"));
  static final QuarantineRedaction REDACTION = new QuarantineRedaction(PRIVACY);

  /** The token computed here, independently: the first 8 hex digits of SHA-256("s3cret:" + value). */
  static String token(String kind, String value) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(("s3cret:" + value).getBytes(StandardCharsets.UTF_8));
    return "<" + kind + ":" + HexFormat.of().formatHex(digest).substring(0, 8) + ">";
  }

  @Test
  void jsonKeepsEverythingButThePersonalValues() throws Exception {
    String line = "{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":\"u1\",\"timestamp\":\"2026-03-01T08:00:01Z\","
        + "\"traits\":{\"email\":\"jane@acme.example\",\"name\":\"Jane \\\"JD\\\" Doe\",\"seats\":3},"
        + "\"context\":{\"ip\": \"10.0.0.1\"}}";
    assertEquals("{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":\"u1\",\"timestamp\":\"2026-03-01T08:00:01Z\","
        + "\"traits\":{\"email\":\"" + token("pii", "jane@acme.example") + "\",\"name\":\""
        + token("pii", "Jane \\\"JD\\\" Doe") + "\",\"seats\":3},\"context\":{\"ip\": \"" + token("pii", "10.0.0.1")
        + "\"}}", REDACTION.redact(line, null));
  }

  @Test
  void addressesAreMaskedWhereverTheyAppearAlsoInBrokenLines() throws Exception {
    String line = "{\"messageId\": \"m7\", \"note\": \"from ann.lee@corp.example via 192.168.1.20 and 2001:db8::7, "
        + "at 12:30:45 on 2026-03-01\", broken";
    assertEquals("{\"messageId\": \"m7\", \"note\": \"from " + token("email", "ann.lee@corp.example") + " via "
        + token("ip", "192.168.1.20") + " and " + token("ip", "2001:db8::7") + ", at 12:30:45 on 2026-03-01\", broken",
        REDACTION.redact(line, null));
    assertEquals("version 1.2.3.4.5 and 300.1.1.1 are not addresses", REDACTION.redact(
        "version 1.2.3.4.5 and 300.1.1.1 are not addresses", null));
  }

  @Test
  void csvColumnsNamedAsPersonalAreMaskedByPositionWhenTheLineHasTheHeadersFields() throws Exception {
    List<String> header = List.of("account_id", "account_name", "country", "employee_count", "owner_email");
    assertEquals("acc-1," + token("pii", "Acme, Inc.") + ",US,forty," + token("pii", "owner@acme.example"),
        REDACTION.redact("acc-1,\"Acme, Inc.\",US,forty,owner@acme.example", header));
    // One field short: positions are unknown, so only the address patterns apply.
    assertEquals("acc-2,Acme,US," + token("email", "owner@acme.example"),
        REDACTION.redact("acc-2,Acme,US,owner@acme.example", header));
    assertEquals(null, REDACTION.redact(null, header));
  }

  @Test
  void theSameValueGetsTheSameTokenAndAnotherSaltAnother() {
    String a = REDACTION.redact("x@y.example", null);
    assertEquals(a, REDACTION.redact("x@y.example", null));
    String other = new QuarantineRedaction(new PrivacySettings("pepper", PRIVACY.piiKeys())).redact("x@y.example", null);
    assertEquals(false, a.equals(other), a + " vs " + other);
  }
}
