package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GemmTest {
  /**
   * The direct CBLAS path equals its Nd4j.gemm twin on the operands the model passes: row blocks,
   * column halves and slices of flat buffers at nonzero offsets, every transpose pair, with
   * accumulation (beta = 1) into a view of a gradient buffer.
   */
  @Test
  void equalsNd4jGemmOnViewsAtOffsetsForEveryTransposeAndBothTypes() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(7);
      // [3, 6, 10] stacked weights: slice 1 (offset 60), its left and right column halves
      INDArray stacked = Nd4j.randn(type, 3, 6, 10);
      INDArray slice = Views.slice(stacked, 1);
      INDArray left = Views.columns(slice, 0, 5);
      INDArray right = Views.columns(slice, 5, 10);
      INDArray x = Views.rows(Nd4j.randn(type, 20, 6), 4, 11);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          INDArray a = ta ? x.transpose().dup('c') : x;
          INDArray b = tb ? right.transpose().dup('c') : right;
          INDArray outer = Nd4j.randn(type, 12, 5);
          INDArray c = Views.rows(outer, 3, 10);
          INDArray expected = c.dup('c');
          Nd4j.gemm(a, b, expected, ta, tb, 0.5, 1.0);
          Gemm.exec(a, b, c, ta, tb, 0.5, 1.0);
          assertThat(c.equalsWithEps(expected, 1e-5)).as("%s ta=%s tb=%s", type, ta, tb).isTrue();
          assertThat(outer.getRow(2).equalsWithEps(outer.getRow(2).dup(), 0)).isTrue();
        }
      }
      INDArray g = Nd4j.randn(type, 7, 5);
      INDArray intoLeft = left.dup('c');
      INDArray before = right.dup('c');
      Nd4j.gemm(x, g, intoLeft, true, false, 1.0, 1.0);
      Gemm.exec(x, g, left, true, false, 1.0, 1.0);
      assertThat(left.equalsWithEps(intoLeft, 1e-5)).as("%s into a column half", type).isTrue();
      assertThat(right.equalsWithEps(before, 0)).as("%s right half untouched", type).isTrue();
    }
  }

  /**
   * Row blocks (pointer offsets, no views) give the bits of the same GEMM on views of those rows, for
   * every transpose pair and both types, and leave the rows outside the output block alone; a block
   * of a column view (an expert's w1 half) included.
   */
  @Test
  void rowBlocksEqualTheGemmOnViewsOfTheirRows() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(9);
      INDArray x = Nd4j.randn(type, 20, 6);
      INDArray w = Views.columns(Nd4j.randn(type, 9, 10), 2, 8);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          // op(a) is [7, 6] either way: rows 4..11 of x, or rows 2..8 of a [20, 7] matrix read transposed
          RowBlock a = ta ? new RowBlock(Nd4j.randn(type, 20, 7), 2, 8) : new RowBlock(x, 4, 11);
          RowBlock b = tb ? new RowBlock(w, 3, 9) : new RowBlock(w, 1, 7);
          INDArray out = Nd4j.randn(type, 12, 6);
          INDArray expectedOut = out.dup('c');
          INDArray expected = Views.rows(expectedOut, 3, 10);
          Gemm.exec(a.view(), b.view(), expected, ta, tb, 0.5, 1.0);
          Gemm.exec(a, b, new RowBlock(out, 3, 10), ta, tb, 0.5, 1.0);
          assertThat(out).as("%s ta=%s tb=%s", type, ta, tb).isEqualTo(expectedOut);
        }
      }
    }
  }

  /** Mismatched shapes and blocks outside their matrix are refused with the shapes in the message. */
  @Test
  void mismatchedShapesAndOutOfRangeBlocksAreRefused() {
    INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 3);
    INDArray c = Nd4j.zeros(DataType.FLOAT, 4, 5);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Gemm.exec(a, Nd4j.zeros(DataType.FLOAT, 2, 5), c, false, false, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gemm shapes do not match");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RowBlock(a, 2, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows [2, 5) of");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchedMatmul.exec(Nd4j.zeros(DataType.FLOAT, 2, 4, 3),
            Nd4j.zeros(DataType.FLOAT, 2, 2, 5), Nd4j.zeros(DataType.FLOAT, 2, 4, 5), false, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batched gemm shapes do not match");
  }

  /** The per-matrix CBLAS batched GEMM equals ND4J's batched matmul op, on a slice at an offset. */
  @Test
  void batchedEqualsTheMatmulOpForEveryTransposeAndBothTypes() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(8);
      INDArray stacked = Nd4j.randn(type, 3, 4, 5, 5);
      INDArray a = stacked.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
      INDArray b = Nd4j.randn(type, 4, 5, 5);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          INDArray out = Nd4j.zeros(type, 4, 5, 5);
          INDArray expected = Nd4j.zeros(type, 4, 5, 5);
          BatchedMatmul.exec(a, b, out, ta, tb);
          Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(expected)
              .addIntegerArguments(ta ? 1 : 0, tb ? 1 : 0).build());
          assertThat(out.equalsWithEps(expected, 1e-5)).as("%s ta=%s tb=%s", type, ta, tb).isTrue();
        }
      }
    }
  }
}
