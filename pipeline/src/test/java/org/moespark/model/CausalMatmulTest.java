package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CausalMatmulTest {
  /**
   * Each product over the causal blocks equals the whole batched product where it is read, for T a
   * multiple of the block, not one (a partial last block), below one block and past 256 (64-row
   * blocks); the scores right of the diagonal blocks keep what was there. float64 at T = 300 failed
   * on OpenBLAS 0.3.19 with AVX-512 BF16 (its Cooperlake DGEMM returned wrong sums from about 200
   * columns on); 0.3.31 is right there.
   */
  @Test
  void blockedProductsEqualTheWholeProductsOnTheCausalPart() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      for (int t : new int[] {5, 64, 100, 300}) {
        Nd4j.getRandom().setSeed(t);
        int g = 3;
        int d = 16;
        INDArray a = Nd4j.randn(type, g, t, d);
        INDArray b = Nd4j.randn(type, g, t, d);
        INDArray p = lower(Nd4j.randn(type, g, t, t));

        INDArray scores = Nd4j.valueArrayOf(new long[] {g, t, t}, 7.0, type);
        CausalMatmul.lowerOfProduct(a, b, scores);
        INDArray whole = Nd4j.zeros(type, g, t, t);
        BatchedMatmul.exec(a, b, whole, false, true);
        int block = CausalMatmul.blockRows(t);
        for (int x = 0; x < g; x++) {
          for (int r = 0; r < t; r++) {
            int blockEnd = Math.min(t, (r / block + 1) * block);
            for (int c = 0; c < t; c++) {
              if (c <= r) {
                assertThat(scores.getDouble(x, r, c)).as("%s T=%d (%d,%d,%d)", type, t, x, r, c)
                    .isCloseTo(whole.getDouble(x, r, c), org.assertj.core.data.Offset.offset(1e-4));
              } else if (c >= blockEnd) {
                assertThat(scores.getDouble(x, r, c)).as("untouched %s T=%d (%d,%d,%d)", type, t, x, r, c).isEqualTo(7.0);
              }
            }
          }
        }

        INDArray out = Nd4j.zeros(type, g, t, d);
        INDArray expected = Nd4j.zeros(type, g, t, d);
        CausalMatmul.lowerTimes(p, b, out);
        BatchedMatmul.exec(p, b, expected, false, false);
        assertThat(out.equalsWithEps(expected, 1e-4)).as("p·v %s T=%d", type, t).isTrue();
        CausalMatmul.lowerTransposedTimes(p, b, out);
        BatchedMatmul.exec(p, b, expected, true, false);
        assertThat(out.equalsWithEps(expected, 1e-4)).as("pᵀ·v %s T=%d", type, t).isTrue();
      }
    }
  }

  @Test
  void computedShareCountsTheCausalBlocks() {
    assertThat(CausalMatmul.computedShare(5)).isEqualTo(1.0);
    assertThat(CausalMatmul.computedShare(128)).isEqualTo(10.0 / 16); // 4 blocks: (1+2+3+4)/16
    assertThat(CausalMatmul.computedShare(256)).isEqualTo(36.0 / 64); // 8 blocks of 32
    assertThat(CausalMatmul.computedShare(1024)).isEqualTo(136.0 / 256); // 16 blocks of 64
  }

  /** A block outside its matrix is refused before CBLAS could write past the array. */
  @Test
  void blocksOutsideTheMatricesAreRefused() {
    INDArray a = Nd4j.zeros(DataType.FLOAT, 2, 8, 4);
    INDArray out = Nd4j.zeros(DataType.FLOAT, 2, 8, 8);
    assertThatThrownBy(() -> HostBlas.batchedGemm(a, a, out, false, true, List.of(new HostBlas.Sub(4, 8, 4, 16, 0, 40))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lies outside");
    assertThatThrownBy(() -> HostBlas.batchedGemm(a, a, out, false, true, List.of(new HostBlas.Sub(4, 8, 4, 0, 0, 2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lies outside");
  }

  /** p with its entries above each matrix's diagonal set to zero, as the causal softmax leaves them. */
  private static INDArray lower(INDArray p) {
    int t = (int) p.size(1);
    for (int x = 0; x < p.size(0); x++) {
      for (int r = 0; r < t; r++) {
        for (int c = r + 1; c < t; c++) {
          p.putScalar(new long[] {x, r, c}, 0.0);
        }
      }
    }
    return p;
  }
}
