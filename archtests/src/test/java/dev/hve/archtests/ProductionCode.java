package dev.hve.archtests;

import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Imports production classes only: anything under a {@code test-classes} directory is test code.
 * ArchUnit's own option knows only {@code target/test-classes}, but this build may write to
 * another directory ({@code -Dhve.target=...}).
 */
final class ProductionCode {

    static final ImportOption ONLY = location -> !location.contains("/test-classes/");

    private ProductionCode() {
    }
}
