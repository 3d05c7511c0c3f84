package dev.clnn;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package layering of the main code (see each package-info), held by ArchUnit. */
@AnalyzeClasses(packages = "dev.clnn", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final DescribedPredicate<JavaClass> BELOW_THE_NEUTRAL_API = DescribedPredicate.describe(
            "reside in a sub-package of dev.clnn.backend", c -> c.getPackageName().startsWith("dev.clnn.backend."));

    @ArchTest
    static final ArchRule onlyTheDeviceLayerAndTheOpenClBackendTouchJocl = noClasses()
            .that().resideOutsideOfPackages("dev.clnn.device..", "dev.clnn.backend.opencl..")
            .should().dependOnClassesThat().resideInAPackage("org.jocl..")
            .because("OpenCL is one backend: everything else runs without an OpenCL runtime");

    @ArchTest
    static final ArchRule layersModelsOptimisersTrainingAndParallelTalkOnlyToTheNeutralApi = noClasses()
            .that().resideInAnyPackage("dev.clnn.nn..", "dev.clnn.optim..", "dev.clnn.model..", "dev.clnn.train..",
                    "dev.clnn.parallel..", "dev.clnn.onnx..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.clnn.backend.cpu..", "dev.clnn.backend.opencl..",
                    "dev.clnn.backend.profile..", "dev.clnn.device..", "org.jocl..")
            .because("a layer, an optimiser, the training step and loop and the data-parallel step never know which"
                    + " backend they run on");

    @ArchTest
    static final ArchRule onlyTheExportNamesOnnxsProtobufClasses = noClasses()
            .that().resideOutsideOfPackage("dev.clnn.onnx..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.onnx..", "com.google.protobuf..")
            .because("they are an optional dependency: a project that never exports does not have them");

    @ArchTest
    static final ArchRule theReferenceStandsAlone = noClasses()
            .that().resideInAPackage("dev.clnn.backend.cpu..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.clnn.backend.opencl..", "dev.clnn.device..",
                    "org.jocl..")
            .because("the CPU reference is the specification the OpenCL backend is tested against");

    @ArchTest
    static final ArchRule theNeutralApiKnowsNoBackend = noClasses()
            .that().resideInAPackage("dev.clnn.backend")
            .should().dependOnClassesThat(BELOW_THE_NEUTRAL_API)
            .orShould().dependOnClassesThat().resideInAPackage("dev.clnn.device..")
            .because("the backends depend on the neutral API and are found as providers, not named by it");

    @ArchTest
    static final ArchRule tuningNeverReadsTheRoutines = noClasses()
            .that().resideInAPackage("dev.clnn.backend.opencl.tuning..")
            .should().dependOnClassesThat().resideInAPackage("dev.clnn.backend.opencl")
            .because("configuration is read by the routines and the kernel registry, never the other way round");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.clnn.(**)").should().beFreeOfCycles()
            .because("packages in a cycle cannot be understood, tested or replaced one at a time");
}
