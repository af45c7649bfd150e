package rnnlab.saved;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.util.List;

import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import rnnlab.model.Gru;

/**
 * A model saved before the layers had a second bias and PyTorch's GRU form ({@link OldLayoutFixture}, written at
 * 2a72a10) still loads, as what it was: one bias, d2l's GRU, and the output it gave when saved.
 */
class OldLayoutTest {
    @Test
    void aModelOfTheOneBiasLayoutLoadsAndComputesWhatItDidWhenSaved() throws Exception {
        SavedModel m = SavedModel.read(OldLayoutFixture.DIR.resolve(OldLayoutFixture.MODEL));
        Bidirectional layer = (Bidirectional) m.net().getLayer(0).conf().getLayer();
        for (Gru g : List.of((Gru) layer.getFwd(), (Gru) layer.getBwd())) {
            assertFalse(g.isTwoBiases(), "an old model has one bias");
            assertFalse(g.isTorchForm(), "an old model's GRU is d2l's");
        }
        assertEquals(List.of("fW", "fRW", "fb", "bW", "bRW", "bb"), List.copyOf(m.net().getLayer(0).paramTable().keySet()));
        INDArray out = m.net().output(OldLayoutFixture.input()).castTo(DataType.DOUBLE);
        double[] got = out.reshape(out.length()).toDoubleVector();
        List<String> saved = Files.readAllLines(OldLayoutFixture.DIR.resolve(OldLayoutFixture.OUTPUT));
        assertEquals(saved.size(), got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(Double.parseDouble(saved.get(i)), got[i], 1e-6, "output " + i);
        }
    }
}
