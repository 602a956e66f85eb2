package io.churnscope.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.local.ForklessLocalFileSystem;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The Hadoop configuration a command uses before its session starts (the run lock): the session's own. */
class SessionsHadoopConfigurationTest {
  @Test
  void itHoldsTheSessionsHadoopKeysWithoutStartingSpark() {
    Configuration defaults = Sessions.hadoopConfiguration(ChurnscopeConfig.defaults());
    assertEquals(ForklessLocalFileSystem.class.getName(), defaults.get("fs.file.impl"));
    assertNull(defaults.get("sql.shuffle.partitions"), "only spark.hadoop.* keys, without the prefix");

    Configuration configured = Sessions.hadoopConfiguration(ChurnscopeConfig.load(null, Map.of(
        "spark.conf.hadoop.fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem",
        "spark.conf.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")));
    assertEquals("org.apache.hadoop.fs.LocalFileSystem", configured.get("fs.file.impl"), "spark.conf wins over the default");
    assertEquals("http://127.0.0.1:9000", configured.get("fs.s3a.endpoint"));
  }
}
