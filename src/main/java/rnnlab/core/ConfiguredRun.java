package rnnlab.core;

import java.nio.file.Path;
import java.util.Map;

/**
 * An experiment with its configuration read and validated and its output folder checked, ready to run:
 * what {@code -Dexp=NAME} and each search candidate do before any training.
 */
public record ConfiguredRun(Run run, Experiment.Configured configured) {

    /**
     * Loads {@code experiments/NAME.properties} in {@code profile} with {@code overrides}, lets the experiment
     * {@code name} ({@code experiment}) validate it, and checks that {@code out} (or the profile's default folder
     * when null) can be written; the run trains the jobs {@code scope} names.
     */
    public static ConfiguredRun of(String name, Experiment experiment, Path projectDir, String profile,
            Map<String, String> overrides, String out, JobScope scope) {
        if (UserCorpus.given() != null && !experiment.readsCorpus()) {
            throw new UserError("-Dcorpus=FILE is for the character language models (JayChouRnn, JayChouGru, JayChouLstm, "
                    + "JayChouDeepLstm, JayChouBiGru, JayChouRnnScratch, TimeMachineRnnScratch) and the word language "
                    + "models (PtbWordRnn, PtbWordLstm, PtbZarembaSmall, PtbZarembaMedium); " + name + " trains on its own data");
        }
        Config config = Config.load(projectDir.resolve("experiments"), name, profile, overrides);
        Experiment.Configured configured = experiment.configure(config);
        config.assertAllRead();
        return new ConfiguredRun(Run.create(name, config, projectDir, out, scope), configured);
    }

    public void execute() throws Exception {
        configured.check(run);
        configured.run(run);
    }
}
