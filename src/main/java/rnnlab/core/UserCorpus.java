package rnnlab.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code -Dcorpus=FILE} and {@code -Dheldout_share=SHARE}: a user's own text for the character models, instead of the
 * tutorial's corpus, and the share of it, at its end, held out. Run-time options, not an experiment's settings, so
 * the committed settings (and the finished jobs keyed by them) are unchanged; a run given a corpus writes to
 * {@code results/custom/} and keys its jobs by the file's SHA-1 and the share ({@code rnnlab.checkpoints}).
 */
public record UserCorpus(Path file, double heldOutShare) {
    public static final double DEFAULT_SHARE = 0.1;

    /** The corpus the command line names, or null for the tutorial's; a bad share or a share alone is a UserError. */
    public static UserCorpus given() {
        String file = Options.CORPUS.given();
        String share = Options.HELDOUT_SHARE.given();
        if (file == null || file.isBlank()) {
            if (Options.MIN_COUNT.given() != null) {
                throw new UserError("-Dmin_count applies to a text of your own for the word models: give -Dcorpus=FILE "
                        + "too (the Penn Treebank comes with its rare words already <unk>)");
            }
            if (share != null) {
                throw new UserError("-Dheldout_share applies to a text of your own: give -Dcorpus=FILE too (the "
                        + "tutorials' corpora hold out what follows their num_tokens training characters)");
            }
            return null;
        }
        double s = DEFAULT_SHARE;
        if (share != null) {
            try {
                s = Double.parseDouble(share.trim());
            } catch (NumberFormatException e) {
                s = Double.NaN;
            }
            if (!(s > 0 && s < 1)) {
                throw new UserError("Invalid value for 'heldout_share': '" + share + "'; expected a number above 0 "
                        + "and below 1 (the share of the text held out at its end), e.g. 0.1");
            }
        }
        return new UserCorpus(Path.of(file.trim()).toAbsolutePath().normalize(), s);
    }

    public static final int DEFAULT_MIN_COUNT = 2;

    /**
     * {@code -Dmin_count=N} (default {@value #DEFAULT_MIN_COUNT}): the word models' fewest sightings in the training
     * part for a word of its own in the vocabulary; a value that is not a whole number from 1 is a UserError.
     */
    public static int minCount() {
        String v = Options.MIN_COUNT.given();
        if (v == null) {
            return DEFAULT_MIN_COUNT;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UserError("Invalid value for 'min_count': '" + v + "'; expected a whole number from 1 (words seen "
                + "fewer times in the training part are <unk>), e.g. 2");
    }

    /** The file's SHA-1 (hex), so that a changed file trains again. */
    public String sha1() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UserError("Invalid value for 'corpus': cannot read " + file + " (" + e.getMessage() + ")");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
