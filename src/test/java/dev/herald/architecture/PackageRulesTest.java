package dev.herald.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the README's architecture section, checked on the compiled main classes: the hub
 * is plain Java, the log implementations and transports adapt it, and no two packages depend on each other.
 */
class PackageRulesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.herald");

    /** Each package directly under dev.herald is one slice (subpackages included); dev.herald itself is one too. */
    private static final SliceAssignment TOP_LEVEL_PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (name.equals("dev.herald")) {
                return SliceIdentifier.of("dev.herald (composition root)");
            }
            if (name.startsWith("dev.herald.")) {
                return SliceIdentifier.of(name.substring("dev.herald.".length()).split("\\.")[0]);
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "top-level packages of dev.herald";
        }
    };

    @Test
    void noPackageCycles() {
        slices().assignedFrom(TOP_LEVEL_PACKAGES).should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theHubIsPlainJavaAndImportsNoOtherHeraldPackage() {
        classes().that().resideInAPackage("dev.herald.hub..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.herald.hub..", "java..")
                .check(MAIN);
    }

    @Test
    void theLogImplementationsDependOnTheHubOnly() {
        classes().that().resideInAPackage("dev.herald.log..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.herald.log..", "dev.herald.hub..", "java..", "io.lettuce..", "io.netty..")
                .check(MAIN);
    }

    @Test
    void limitsArePlainJava() {
        classes().that().resideInAPackage("dev.herald.limits..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.herald.limits..", "java..")
                .check(MAIN);
    }

    @Test
    void securityIsPlainJavaOnNimbus() {
        classes().that().resideInAPackage("dev.herald.security..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.herald.security..", "dev.herald.hub..",
                        "java..", "com.nimbusds..")
                .check(MAIN);
    }

    @Test
    void onlyTheRedisLogKnowsLettuce() {
        noClasses().that().resideOutsideOfPackage("dev.herald.log.redis..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "io.netty..", "reactor..")
                .check(MAIN);
    }

    @Test
    void publishingDoesNotImportTransports() {
        noClasses().that().resideInAPackage("dev.herald.publish..")
                .should().dependOnClassesThat().resideInAPackage("dev.herald.transport..").check(MAIN);
    }

    @Test
    void observabilityDoesNotImportTheCompositionRoot() {
        noClasses().that().resideInAPackage("dev.herald.observability..")
                .should().dependOnClassesThat().resideInAPackage("dev.herald").check(MAIN);
    }

    @Test
    void jsonGoesThroughTheCachedProviderNeverTheServiceLoaderPerCall() {
        noClasses().should().callMethodWhere(DescribedPredicate.describe("a static factory of jakarta.json.Json",
                        call -> call.getTarget().getOwner().isEquivalentTo(jakarta.json.Json.class)))
                .because("Json.create* looks the provider up through ServiceLoader on every call; use JsonSupport.JSON")
                .check(MAIN);
    }
}
