package ocelot.acl;

import java.util.List;

class TupleMergeClassifierTest extends ClassifierContract {
    @Override
    Classifier create(List<Rule> rules) {
        return new TupleMergeClassifier(rules);
    }
}
