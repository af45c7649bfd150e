package rnnlab.saved;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import rnnlab.lm.CharRnnModel;

/**
 * Writes src/test/resources/saved/old-layout-bigru.zip and its outputs, the fixture of {@link OldLayoutTest}: a tiny
 * bidirectional GRU language model (vocabulary 6, hidden 3), saved as a run saves it. The committed files were
 * written at commit 2a72a10, before the layers had a second bias or PyTorch's GRU form; run it again only to make a
 * model of the layout of the code it runs on. Run: mvn -q -o test-compile exec:java
 * -Dexec.mainClass=rnnlab.saved.OldLayoutFixture -Dexec.classpathScope=test
 */
public final class OldLayoutFixture {
    static final Path DIR = Path.of("src/test/resources/saved");
    static final String MODEL = "old-layout-bigru.zip";
    static final String OUTPUT = "old-layout-bigru-output.txt";
    static final List<String> TOKENS = List.of("a", "b", "c", "d", "e", "f");

    /** The input the recorded output is of: token ids [batch 2, 1, 5 steps]. */
    static INDArray input() {
        return Nd4j.create(new float[] {0, 1, 2, 3, 4, 5, 4, 3, 2, 1}, new long[] {2, 1, 5}, 'c');
    }

    public static void main(String[] args) throws Exception {
        MultiLayerNetwork net = CharRnnModel.build(CharRnnModel.Cell.GRU, TOKENS.size(), 3, 1, true, new Adam(0.01), 5, 7,
                true);
        SavedModel.write(DIR.resolve(MODEL), net, TOKENS, Map.of("experiment", "JayChouBiGru", "text", "lyrics",
                "num_steps", "5", "batch_size", "2"));
        INDArray out = net.output(input()).castTo(DataType.DOUBLE);
        StringBuilder s = new StringBuilder();
        for (double v : out.reshape(out.length()).toDoubleVector()) {
            s.append(v).append('\n');
        }
        Files.writeString(DIR.resolve(OUTPUT), s.toString());
        System.exit(0);
    }
}
