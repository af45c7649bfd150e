package rnnlab.core;

import java.nio.file.Path;


/**
 * Where one experiment run reads and writes. Results go to {@code results/} for the full profile,
 * {@code results/quick/} for the quick profile and {@code results/custom/} when any hyperparameter was
 * overridden or a text of one's own given ({@code -Dcorpus}), so committed tables are only ever replaced by runs of the committed settings;
 * {@code -Dout=DIR} chooses the folder outright.
 */
public record Run(String name, Config config, Path projectDir, Path outDir, JobScope scope) {
    /** A run of every job of the experiment ({@link JobScope#ALL}). */
    public Run(String name, Config config, Path projectDir, Path outDir) {
        this(name, config, projectDir, outDir, JobScope.ALL);
    }

    public static Path defaultOutDir(Path projectDir, Config config) {
        Path results = projectDir.resolve("results");
        if (!config.overrides().isEmpty() || UserCorpus.given() != null) {
            return results.resolve("custom");
        }
        return config.profile().equals("full") ? results : results.resolve(config.profile());
    }

    public static Run create(String name, Config config, Path projectDir, String out, JobScope scope) {
        Path dir = out != null ? Path.of(out) : defaultOutDir(projectDir, config);
        AtomicFiles.checkWritable(dir);
        return new Run(name, config, projectDir, dir, scope);
    }

    public Path out(String fileName) {
        return outDir.resolve(fileName);
    }

    public Path datasetsDir() {
        return projectDir.resolve("datasets");
    }
}
