package ocelot.acl;

import java.util.List;

class LinearClassifierTest extends ClassifierContract {
    @Override
    Classifier create(List<Rule> rules) {
        return new LinearClassifier(rules);
    }

    @Override
    boolean checksLargeSets() {
        return false; // it is the reference; the 10k sets are checked against the primitive scan by the others
    }
}
