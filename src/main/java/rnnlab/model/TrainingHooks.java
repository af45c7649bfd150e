package rnnlab.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * The one place where an optional capability watches every network the suite trains: the training loops hand each
 * network here before they fit it, and whatever registered a listener factory (DL4J's training UI,
 * {@code rnnlab.ui.TrainingUi}, under {@code -Dui=PORT}) gets its listener on it. No experiment knows about it.
 */
public final class TrainingHooks {
    private static final List<Function<MultiLayerNetwork, TrainingListener>> FACTORIES = new CopyOnWriteArrayList<>();

    private TrainingHooks() {
    }

    public static void register(Function<MultiLayerNetwork, TrainingListener> factory) {
        FACTORIES.add(factory);
    }

    public static void clear() {
        FACTORIES.clear();
    }

    /** Adds every registered listener to {@code net}, which is about to train. */
    public static void attach(MultiLayerNetwork net) {
        for (Function<MultiLayerNetwork, TrainingListener> f : FACTORIES) {
            net.addListeners(f.apply(net));
        }
    }
}
