package org.moespark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class LocalClusterTest {
  static final Map<String, String> ENV = Map.of("SPARK_HOME", "/tmp/spark-home");

  @Test
  void parsesOnlyLocalClusterMasters() {
    assertThat(LocalCluster.parse("local-cluster[2, 1,3072]"))
        .contains(new LocalCluster(2, 1, 3072));
    assertThat(LocalCluster.parse("local[2]")).isEmpty();
    assertThat(LocalCluster.parse("local-cluster[2,1]")).isEmpty();
    assertThat(LocalCluster.parse(null)).isEmpty();
  }

  @Test
  void givesExecutorsTheDriverClasspathAndTheWorkerMemory() {
    SparkConf conf = new SparkConf(false).setMaster("local-cluster[2,1,512]");
    LocalCluster.configure(conf, ENV);
    assertThat(conf.get("spark.executor.extraClassPath"))
        .isEqualTo(System.getProperty("java.class.path"));
    assertThat(conf.get("spark.executorEnv.SPARK_TESTING")).isEqualTo("1");
    assertThat(conf.get("spark.executorEnv.SPARK_SCALA_VERSION")).isEqualTo("2.12");
    assertThat(conf.get("spark.executor.memory")).isEqualTo("512m");
    assertThat(conf.get("spark.cores.max")).isEqualTo("2");
  }

  @Test
  void keepsWhatTheUserSet() {
    SparkConf conf = new SparkConf(false).setMaster("local-cluster[2,1,3072]")
        .set("spark.executor.memory", "1g");
    LocalCluster.configure(conf, ENV);
    assertThat(conf.get("spark.executor.memory")).isEqualTo("1g");
  }

  @Test
  void leavesOtherMastersAlone() {
    SparkConf conf = new SparkConf(false).setMaster("local[2]");
    LocalCluster.configure(conf, Map.of());
    assertThat(conf.getAll()).hasSize(1);
  }

  @Test
  void namesTheMissingSparkHomeAndTheFix() {
    SparkConf conf = new SparkConf(false).setMaster("local-cluster[2,1,1024]");
    assertThatThrownBy(() -> LocalCluster.configure(conf, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--master local-cluster[2,1,1024] needs the environment variable"
            + " SPARK_HOME")
        .hasMessageContaining("export SPARK_HOME=");
  }
}
