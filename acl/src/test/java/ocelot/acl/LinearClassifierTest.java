package ocelot.acl;

import java.util.List;

class LinearClassifierTest extends ClassifierContract {
    @Override
    Classifier create(List<Rule> rules, IpSetTable sets) {
        return new LinearClassifier(rules, sets);
    }

    @Override
    boolean checksLargeSets() {
        return false; // it is the reference; the 10k sets are checked against the primitive scan by the others
    }
}
