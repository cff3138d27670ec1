package io.ams.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Dependencies point one way: stages know nothing of rooms or the control API. */
class ArchitectureTest {
    static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ams.engine");

    @Test
    void pipelineStagesDoNotDependOnRoomsOrControl() {
        noClasses().that().resideInAnyPackage("io.ams.engine.compose..", "io.ams.engine.codec..",
                        "io.ams.engine.media..", "io.ams.engine.ingest..", "io.ams.engine.egress..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ams.engine.room..", "io.ams.engine.control..",
                        "io.ams.engine.mix..")
                .check(ENGINE);
    }

    @Test
    void onlyTheControlPackageSpeaksGrpc() {
        noClasses().that().resideOutsideOfPackages("io.ams.engine.control..", "io.ams.engine")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..")
                .check(ENGINE);
    }

    @Test
    void compositingAndCodecsDoNotTouchTheNetwork() {
        noClasses().that().resideInAnyPackage("io.ams.engine.compose..", "io.ams.engine.codec..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.net..")
                .check(ENGINE);
    }

    @Test
    void roomsAndOutputsSeeOnlyTheBackendSeamNeverTheGpu() {
        noClasses().that().resideInAnyPackage("io.ams.engine.room..", "io.ams.engine.mix..",
                        "io.ams.engine.control..", "io.ams.engine.ingest..", "io.ams.engine.egress..",
                        "io.ams.engine.recording..", "io.ams.engine.audio..", "io.ams.engine.compose..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ams.engine.gpu..")
                .because("outputs mix through io.ams.engine.backend.MixBackend and never know which backend they have")
                .check(ENGINE);
    }

    @Test
    void theGpuAndTheSeamDoNotKnowRoomsOutputsOrControl() {
        noClasses().that().resideInAnyPackage("io.ams.engine.gpu..", "io.ams.engine.backend..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ams.engine.room..", "io.ams.engine.mix..",
                        "io.ams.engine.control..")
                .check(ENGINE);
    }
}
