package org.moespark.dl4j;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class RmsNormLayerTest {
  @Test
  void gradientCheckFloat64() {
    Nd4j.getRandom().setSeed(9);
    var net = Nets.around(new RmsNormLayer.Builder().build(), 4, 3);
    net.getLayer("layer").getParam(RmsNormLayer.GAIN).assign(Nd4j.rand(DataType.DOUBLE, 4).addi(0.5));
    Nets.assertGradientsPass(net, Nd4j.randn(DataType.DOUBLE, 2, 4, 3), Nd4j.randn(DataType.DOUBLE, 2, 4, 3));
  }
}
