package rnnlab.model;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hidden states of a network's recurrent layers (the project's own, including both directions inside
 * DL4J's {@code Bidirectional}), handled the way the tutorials handle {@code state}: carried from one
 * batch to the next, detached, reset to zeros, and set aside while the model generates text.
 *
 * <p>{@link #carry} switches the layers to stateful passes: each forward pass, training or not, starts
 * from the stored state and stores its last one. DL4J's own {@code rnnTimeStep} cannot do this here: it
 * does not train, and its truncated BPTT clears the state at every {@code fit}, and neither works through
 * {@code Bidirectional}.
 */
public final class RecurrentStates {
    private final List<RecurrentImpl<?>> layers;

    private RecurrentStates(List<RecurrentImpl<?>> layers) {
        this.layers = layers;
    }

    /** The network's recurrent layers, switched to stateful passes from zero states. */
    public static RecurrentStates carry(MultiLayerNetwork net) {
        List<RecurrentImpl<?>> found = new ArrayList<>();
        for (Layer l : net.getLayers()) {
            collect(l, found);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("the network has none of the project's recurrent layers");
        }
        for (RecurrentImpl<?> l : found) {
            l.stateful = true;
        }
        RecurrentStates s = new RecurrentStates(found);
        s.reset();
        return s;
    }

    private static void collect(Layer l, List<RecurrentImpl<?>> into) {
        if (l instanceof RecurrentImpl<?> r) {
            into.add(r);
        } else if (l instanceof BidirectionalLayer) {
            // DL4J keeps the two directions private and offers no access to their state
            collect(field(l, "fwd"), into);
            collect(field(l, "bwd"), into);
        }
    }

    private static Layer field(Layer l, String name) {
        try {
            Field f = BidirectionalLayer.class.getDeclaredField(name);
            f.setAccessible(true);
            return (Layer) f.get(l);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("BidirectionalLayer has no field '" + name + "' in this DL4J version", e);
        }
    }

    /** Zero states for the next pass (the tutorials' {@code begin_state}). */
    public void reset() {
        for (RecurrentImpl<?> l : layers) {
            l.carried().clear();
        }
    }

    /** The current states, to {@link #restore} later. */
    public List<Map<String, INDArray>> snapshot() {
        List<Map<String, INDArray>> out = new ArrayList<>();
        for (RecurrentImpl<?> l : layers) {
            out.add(new HashMap<>(l.carried()));
        }
        return out;
    }

    public void restore(List<Map<String, INDArray>> snapshot) {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).carried().clear();
            layers.get(i).carried().putAll(snapshot.get(i));
        }
    }

    /** Recurrent layers found (a bidirectional layer counts twice). */
    public int count() {
        return layers.size();
    }
}
