package io.churnscope.common.testing;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(GeneratedCode.class)}: the test class runs with Spark's generated code (whole-stage
 * and expression code generation, as the jobs run), and the shared session is put back to
 * {@link SparkTestBase}'s interpreted evaluation after it. For the classes that push a generated lake's
 * hundreds of thousands of rows through the pipeline: there, compiled code repays its compiling.
 */
public final class GeneratedCode implements BeforeAllCallback, AfterAllCallback {
  static final Map<String, String> GENERATED = Map.of(
      "spark.sql.codegen.wholeStage", "true",
      "spark.sql.codegen.factoryMode", "FALLBACK");

  private SparkTestBase.ConfRestore restore;

  @Override
  public void beforeAll(ExtensionContext context) {
    restore = SparkTestBase.withConf(GENERATED);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    restore.close();
  }
}
