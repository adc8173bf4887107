package ocelot.control.selector;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Random selector texts and label maps over a small alphabet so that matches are frequent. */
public final class RandomSelectors {
    private static final String[] KEYS = {"app", "role", "env", "tier"};
    private static final String[] VALUES = {"a", "b", "c", "ab"};

    private RandomSelectors() {
    }

    public static String text(Random random, int depth) {
        int choice = random.nextInt(depth <= 0 ? 10 : 14);
        String k = KEYS[random.nextInt(KEYS.length)];
        String v = quote(random, VALUES[random.nextInt(VALUES.length)]);
        return switch (choice) {
            case 0 -> k + " == " + v;
            case 1 -> k + " != " + v;
            case 2 -> "has(" + k + ")";
            case 3 -> "!has(" + k + ")";
            case 4 -> k + " in {" + v + ", " + quote(random, VALUES[random.nextInt(VALUES.length)]) + "}";
            case 5 -> k + " not in {" + v + "}";
            case 6 -> k + " contains " + v;
            case 7 -> k + (random.nextBoolean() ? " starts with " : " startswith ") + v;
            case 8 -> k + (random.nextBoolean() ? " ends with " : " endswith ") + v;
            case 9 -> random.nextInt(4) == 0 ? "all()" : k + " == " + v;
            case 10 -> "!(" + text(random, depth - 1) + ")";
            case 11 -> "(" + text(random, depth - 1) + ")";
            case 12 -> text(random, depth - 1) + " && " + text(random, depth - 1);
            default -> text(random, depth - 1) + " || " + text(random, depth - 1);
        };
    }

    private static String quote(Random random, String value) {
        return random.nextBoolean() ? "\"" + value + "\"" : "'" + value + "'";
    }

    public static Map<String, String> labels(Random random) {
        Map<String, String> labels = new HashMap<>();
        for (String key : KEYS) {
            if (random.nextInt(3) > 0) {
                labels.put(key, VALUES[random.nextInt(VALUES.length)]);
            }
        }
        return labels;
    }
}
