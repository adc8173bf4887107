package ocelot.acl;

import java.util.List;

/**
 * An ordered list of {@link Rule}s compiled for batch classification; the first matching rule
 * wins. One writer thread calls the update methods; any number of reader threads classify at
 * the same time, never blocking: every update builds a new {@link ClassifierSnapshot} and
 * publishes it with a release store, and {@link #snapshot()} is an acquire load.
 *
 * <p>Every update validates first and changes nothing on error, so the rules in use stay
 * in use.
 */
public interface Classifier {
    int NO_MATCH = -1;

    /** The current version (acquire): classify with it and read rules from it. */
    ClassifierSnapshot snapshot();

    /** Classifies with the current version; see {@link ClassifierSnapshot#classify}. */
    default void classify(HeaderBatch batch, int n, int[] out) {
        snapshot().classify(batch, n, out);
    }

    /** Classifies with the current version, IP set conditions at {@code setGeneration}; see {@link ClassifierSnapshot#classify(HeaderBatch, int, int[], long)}. */
    default void classify(HeaderBatch batch, int n, int[] out, long setGeneration) {
        snapshot().classify(batch, n, out, setGeneration);
    }

    default int size() {
        return snapshot().size();
    }

    /** Inserts {@code rule} at {@code index} (0 = highest priority); later rules move down one. */
    void add(int index, Rule rule);

    /** Appends {@code rule} at the lowest priority. */
    default void add(Rule rule) {
        add(size(), rule);
    }

    /** Removes and returns the rule at {@code index}; later rules move up one. */
    Rule remove(int index);

    /** Replaces every rule (a full rebuild). */
    void replaceAll(List<Rule> rules);

    /** The fastest implementation for {@code rules}, chosen by measurement (see acl/README.md). */
    static Classifier compile(List<Rule> rules) {
        return new TupleMergeClassifier(rules);
    }

    /**
     * As {@link #compile(List)}, for rules that may carry IP set conditions: they are looked up
     * in {@code sets} at classification time, so membership changes need no update here.
     */
    static Classifier compile(List<Rule> rules, IpSetTable sets) {
        return new TupleMergeClassifier(rules, sets);
    }

    /** The IP set store the rules' set conditions read, or null. */
    IpSetTable ipSets();

    static void checkBatch(HeaderBatch batch, int n, int[] out) {
        if (n < 0 || n > batch.capacity || n > out.length) {
            throw new IllegalArgumentException("n " + n + " outside 0.." + Math.min(batch.capacity, out.length));
        }
    }
}
