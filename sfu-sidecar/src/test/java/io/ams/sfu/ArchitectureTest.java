package io.ams.sfu;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The sidecar shares only proto/ and rtp/ with the engine, and never touches CUDA or FFmpeg (DESIGN §2). */
class ArchitectureTest {
    static final JavaClasses SFU = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ams.sfu");

    @Test
    void neverImportsTheEngineCudaOrFfmpeg() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.ams.engine..", "org.bytedeco..", "jcuda..")
                .check(SFU);
    }

    @Test
    void relayAndSdpArePureLogic() {
        noClasses().that().resideInAnyPackage("io.ams.sfu.relay..", "io.ams.sfu.sdp..", "io.ams.sfu.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.grpc..", "org.ice4j..", "java.net..")
                .check(SFU);
    }

    /**
     * Rooms cannot stall each other (issue 8 part 6): nothing in the sidecar waits for a thread to end or
     * sleeps; work that must wait is queued on a room's lane or a timer instead.
     */
    @Test
    void noThreadJoinsOrSleeps() {
        noClasses().should().callMethod(Thread.class, "join").orShould().callMethod(Thread.class, "join", long.class)
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .check(SFU);
    }
}
