package io.churnscope.common.config;

/**
 * The {@code lake} block.
 *
 * @param root the lake when {@code --lake} is not given: a local path or a URI; {@code ""} when none
 */
public record LakeSettings(String root) {
  public static final ConfigKey<String> ROOT = ConfigKey.string("lake.root");

  public static LakeSettings from(ChurnscopeConfig config) {
    return new LakeSettings(ROOT.from(config));
  }
}
