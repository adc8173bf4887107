package ocelot.acl;

import java.util.List;

/**
 * One published, immutable version of a {@link Classifier}: the rule list and the compiled
 * structure built from it. Indices written by {@link #classify} refer to {@link #rule(int)} of
 * this same snapshot, so a worker that classifies a burst and then looks up actions or user ids
 * takes one snapshot and uses it for both.
 */
public interface ClassifierSnapshot {
    /**
     * For each header {@code i < n} of {@code batch}, writes to {@code out[i]} the index of the
     * first rule that matches it, or {@link Classifier#NO_MATCH}. Allocates nothing; safe to call
     * from any number of threads.
     */
    default void classify(HeaderBatch batch, int n, int[] out) {
        classify(batch, n, out, IpSetTable.NEWEST);
    }

    /**
     * As {@link #classify(HeaderBatch, int, int[])}, with the rules' IP set conditions judged by
     * the membership of {@code setGeneration} ({@link IpSetTable.View#generation()}, or
     * {@link IpSetTable#NEWEST}): a dataplane snapshot passes its own view's, so a membership
     * change made for the next state is not seen by the rules of this one.
     */
    void classify(HeaderBatch batch, int n, int[] out, long setGeneration);

    int size();

    Rule rule(int index);

    List<Rule> rules();

    /** Bytes of compiled lookup structure (rule objects excluded), for comparison with rte_acl's footprint. */
    long memoryBytes();
}
