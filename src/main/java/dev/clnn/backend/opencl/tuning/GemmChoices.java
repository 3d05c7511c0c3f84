package dev.clnn.backend.opencl.tuning;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The gemm_blocked configuration for each class of shape ({@link GemmClass}) and where each came from, and the width
 * whose default shape the classes without a tuned or forced configuration run ({@link GemmWidth}). Immutable.
 */
public final class GemmChoices {
    private final Map<GemmClass, GemmConfig> configs;
    private final Map<GemmClass, KernelTuning.Source> sources;
    private final GemmWidth defaultWidth;

    private GemmChoices(Map<GemmClass, GemmConfig> configs, Map<GemmClass, KernelTuning.Source> sources,
            GemmWidth defaultWidth) {
        this.configs = Collections.unmodifiableMap(new EnumMap<>(configs));
        this.sources = Collections.unmodifiableMap(new EnumMap<>(sources));
        this.defaultWidth = defaultWidth;
    }

    /** {@code config} for every class, from {@code source}; the default width is {@code config}'s, not probed. */
    public static GemmChoices uniform(GemmConfig config, KernelTuning.Source source) {
        Map<GemmClass, GemmConfig> configs = new EnumMap<>(GemmClass.class);
        Map<GemmClass, KernelTuning.Source> sources = new EnumMap<>(GemmClass.class);
        for (GemmClass c : GemmClass.values()) {
            configs.put(c, config);
            sources.put(c, source);
        }
        return new GemmChoices(configs, sources, new GemmWidth(config.vectorWidth(), Map.of(), null));
    }

    /**
     * These choices with the default shape of {@code width} ({@link KernelTuning#defaultGemm}) for every class whose
     * configuration is the default, and {@code width} as where the defaults came from.
     */
    public GemmChoices withDefaults(GemmWidth width) {
        Map<GemmClass, GemmConfig> c = new EnumMap<>(configs);
        for (GemmClass shapeClass : GemmClass.values()) {
            if (sources.get(shapeClass) == KernelTuning.Source.DEFAULT) {
                // The width's shape, in no larger a group than the default it replaces: that one fits the device.
                GemmConfig shape = GemmDefaults.forWidth(width.width());
                int group = Math.min(shape.groupRows(), configs.get(shapeClass).groupRows());
                c.put(shapeClass, new GemmConfig(shape.vectorWidth(), shape.rows(), shape.vectors(), group));
            }
        }
        return new GemmChoices(c, sources, width);
    }

    /** The width whose default shape the classes without a tuned or forced configuration run, and why. */
    public GemmWidth defaultWidth() {
        return defaultWidth;
    }

    /** Whether some class runs the default configuration (then the default width matters). */
    public boolean usesDefault() {
        return sources.containsValue(KernelTuning.Source.DEFAULT);
    }

    /** These choices with {@code config} from {@code source} for {@code shapeClass}. */
    public GemmChoices with(GemmClass shapeClass, GemmConfig config, KernelTuning.Source source) {
        Map<GemmClass, GemmConfig> c = new EnumMap<>(configs);
        Map<GemmClass, KernelTuning.Source> s = new EnumMap<>(sources);
        c.put(shapeClass, config);
        s.put(shapeClass, source);
        return new GemmChoices(c, s, defaultWidth);
    }

    /** The configuration of {@code shapeClass}. */
    public GemmConfig of(GemmClass shapeClass) {
        return configs.get(shapeClass);
    }

    /** Where the configuration of {@code shapeClass} came from. */
    public KernelTuning.Source source(GemmClass shapeClass) {
        return sources.get(shapeClass);
    }

    /** The configuration an (m, k)·(k, n) product runs with. */
    public GemmConfig forShape(int m, int n, int k) {
        return configs.get(GemmClass.of(m, n, k));
    }

    /** The distinct configurations, in class order: each is one build of gemm_blocked.cl. */
    public List<GemmConfig> distinct() {
        Set<GemmConfig> out = new LinkedHashSet<>(configs.values());
        return List.copyOf(out);
    }

    /** Whether every class has the same configuration from the same source. */
    public boolean isUniform() {
        return distinct().size() == 1 && new LinkedHashSet<>(sources.values()).size() == 1;
    }

    /** Per class, e.g. {@code small vw16 rm6 wn3 g8 (tuned), large vw16 rm12 wn2 g8 (tuned), long-k …}. */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(", ");
        for (GemmClass c : GemmClass.values()) {
            out.add(c.word() + " " + configs.get(c) + " (" + sources.get(c).word() + ")");
        }
        return out.toString();
    }

    /** Equal when every class runs the same configuration from the same source, whatever the default's width. */
    @Override
    public boolean equals(Object o) {
        return o instanceof GemmChoices other && configs.equals(other.configs) && sources.equals(other.sources);
    }

    @Override
    public int hashCode() {
        return configs.hashCode() * 31 + sources.hashCode();
    }
}
