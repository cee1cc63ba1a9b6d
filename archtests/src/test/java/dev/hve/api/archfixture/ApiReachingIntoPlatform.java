package dev.hve.api.archfixture;

import dev.hve.platform.RunOutcome;

/**
 * A deliberate layering violation, kept in test code only: a class in the API's package space
 * that depends on the platform. {@code ViolationIsCaughtTest} proves the rules reject it.
 */
public final class ApiReachingIntoPlatform {

    public String describe(RunOutcome outcome) {
        return outcome.describe();
    }
}
