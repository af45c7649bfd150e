package rnnlab.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Layer configurations made from DL4J's builders, for the project's subclasses of DL4J's layers. */
public final class LayerConfigs {
    private LayerConfigs() {
    }

    /**
     * {@code into} with every instance field that {@code from} has from {@code base} up: DL4J's layer
     * configurations have only private constructors from their builders, so a subclass copies the fields of one
     * its builder made.
     */
    public static <T> T copy(Object from, T into, Class<?> base) {
        try {
            for (Class<?> k = base; k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        f.set(into, f.get(from));
                    }
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot copy " + base.getSimpleName() + "'s configuration", e);
        }
        return into;
    }

    /**
     * What a layer configuration's {@code instantiate} does with the layer it made: its sizes checked, then the
     * listeners, index, parameter views (initialised when {@code initialize}) and configuration set.
     */
    public static <L extends BaseLayer<?>> L wire(L layer, FeedForwardLayer c, NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initialize) {
        LayerValidation.assertNInNOutSet(c.getClass().getSimpleName(), c.getLayerName(), index, c.getNIn(), c.getNOut());
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(c.initializer().init(conf, paramsView, initialize));
        layer.setConf(conf);
        return layer;
    }
}
