package org.moespark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.moespark.analysis.AnalysisConfig;
import org.moespark.corpus.IngestConfig;
import org.moespark.model.ModelConfig;
import org.moespark.tokenizer.TokenizerConfig;
import org.moespark.train.TrainConfig;

/**
 * The whole validated configuration of a run: built-in defaults, then a HOCON preset, then
 * {@code --set key=value} overrides. Building it checks every value, so a bad config fails here,
 * before any SparkSession exists.
 */
public record PipelineConfig(
    Config raw, IngestConfig ingest, TokenizerConfig tokenizer, ModelConfig model, TrainConfig train,
    AnalysisConfig analysis) {

  static final String DEFAULTS = "moe-spark-defaults.conf";

  public PipelineConfig {
    Check.that(model.vocabSize() >= tokenizer.vocabSize(), "model.vocab-size", model.vocabSize(),
        "must be >= tokenizer.vocab-size (%d)", tokenizer.vocabSize());
    Check.that(model.experts() % train.expertParallel() == 0, "model.experts", model.experts(),
        "must be divisible by train.expert-parallel (%d), so each rank holds a whole slice of experts",
        train.expertParallel());
  }

  public static PipelineConfig defaults() {
    return load(null, List.of());
  }

  /** Loads defaults, the preset {@code file} (nullable) and the {@code key=value} overrides. */
  public static PipelineConfig load(Path file, List<String> overrides) {
    Config defaults = ConfigFactory.parseResources(PipelineConfig.class.getClassLoader(), DEFAULTS,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config user = user(file, overrides);
    rejectUnknownKeys(user, defaults);
    Config given = user;
    Config merged = parse(() -> given.withFallback(defaults).resolve(ConfigResolveOptions.defaults()),
        "config");
    rejectWrongTypes(user, defaults.resolve(), merged);
    return fromConfig(merged);
  }

  /**
   * The keys the user gave in {@code file} or {@code --set} (not the defaults), with their effective
   * values: a stage that takes a value from the run (e.g. model.experts from its checkpoint) refuses
   * only a value the user actually gave.
   */
  public static Map<String, String> given(Path file, List<String> overrides) {
    PipelineConfig all = load(file, overrides);
    Map<String, String> m = new java.util.TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : user(file, overrides).entrySet()) {
      m.put(e.getKey(), String.valueOf(all.raw().getValue(e.getKey()).unwrapped()));
    }
    return m;
  }

  private static Config user(Path file, List<String> overrides) {
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new InvalidConfigException("--conf", file, "no such file");
      }
      user = parse(() -> ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false)), "--conf " + file);
    }
    for (String kv : overrides) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new InvalidConfigException("--set", kv, "must be key=value, e.g. model.experts=8");
      }
      String key = kv.substring(0, eq).trim();
      String value = kv.substring(eq + 1).trim();
      // Each --set takes precedence over the preset and the --set before it.
      Config one = parse(() -> ConfigFactory.parseString(key + " = " + quoteIfNeeded(value)), "--set " + kv);
      user = one.withFallback(user);
    }
    return user;
  }

  /** Every effective key → value, flattened (what a checkpoint manifest records; see {@link #fromFlat}). */
  public Map<String, String> flat() {
    Map<String, String> m = new java.util.TreeMap<>();
    raw().entrySet().forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    return m;
  }

  /** From a flattened key → value map (a checkpoint manifest's config). */
  public static PipelineConfig fromFlat(Map<String, String> flat) {
    Config defaults = ConfigFactory.parseResources(PipelineConfig.class.getClassLoader(), DEFAULTS);
    return fromConfig(ConfigFactory.parseMap(flat).withFallback(defaults).resolve());
  }

  static PipelineConfig fromConfig(Config c) {
    return new PipelineConfig(c,
        section(c, "ingest", IngestConfig::from),
        section(c, "tokenizer", TokenizerConfig::from),
        section(c, "model", ModelConfig::from),
        section(c, "train", TrainConfig::from),
        section(c, "analysis", AnalysisConfig::from));
  }

  private static <T> T section(Config c, String name, Function<Config, T> reader) {
    try {
      return reader.apply(c.getConfig(name));
    } catch (ConfigException e) {
      throw new InvalidConfigException(name, e.getMessage());
    }
  }

  /** The rendered effective config, for the run's manifest and logs. */
  public String render() {
    return raw.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }

  private static void rejectUnknownKeys(Config user, Config defaults) {
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (!defaults.hasPathOrNull(key)) {
        String near = nearest(key, defaults);
        throw new InvalidConfigException(key, e.getValue().unwrapped(),
            "unknown key" + (near == null ? "" : " (did you mean " + near + "?)")
                + "; every key is listed in " + DEFAULTS);
      }
    }
  }

  /**
   * A number or boolean key given a word fails here with the key, the value and an example; the
   * section readers would say only "experts has type STRING rather than NUMBER".
   */
  private static void rejectWrongTypes(Config user, Config defaults, Config merged) {
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (!defaults.hasPath(key)) {
        continue;
      }
      ConfigValue def = defaults.getValue(key);
      try {
        switch (def.valueType()) {
          case NUMBER -> merged.getNumber(key);
          case BOOLEAN -> merged.getBoolean(key);
          default -> {
            continue;
          }
        }
      } catch (ConfigException.WrongType | ConfigException.BadValue ex) {
        String expected = def.valueType() == ConfigValueType.NUMBER ? "a number" : "true or false";
        throw new InvalidConfigException(key, e.getValue().unwrapped(), "must be " + expected
            + ", e.g. --set " + key + "=" + def.unwrapped() + " (the default)");
      }
    }
  }

  private static String nearest(String key, Config defaults) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
      int d = levenshtein(key, e.getKey());
      if (d < bestDistance) {
        bestDistance = d;
        best = e.getKey();
      }
    }
    return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String quoteIfNeeded(String value) {
    if (value.matches("-?[0-9.eE+-]+|true|false|[A-Za-z0-9_.-]+|\\[.*]|\".*\"")) {
      return value;
    }
    return com.typesafe.config.ConfigUtil.quoteString(value);
  }

  private interface Parse {
    Config get();
  }

  private static Config parse(Parse p, String where) {
    try {
      return p.get();
    } catch (ConfigException e) {
      throw new InvalidConfigException(where, e.getMessage());
    }
  }
}
