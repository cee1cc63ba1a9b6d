package dev.hve.cli.di;

import dagger.BindsInstance;
import dagger.Component;
import dev.hve.cli.run.BackendsReport;
import dev.hve.cli.config.Console;
import dev.hve.cli.run.CpuidReport;
import dev.hve.cli.run.GuestRunner;
import dev.hve.cli.config.RunOptions;
import javax.inject.Singleton;

/** The composition root: every runner part is made here, from the parsed options. */
@Singleton
@Component(modules = RunnerModule.class)
public interface RunnerComponent {

    GuestRunner guestRunner();

    BackendsReport backendsReport();

    CpuidReport cpuidReport();

    @Component.Factory
    interface Factory {
        RunnerComponent create(@BindsInstance RunOptions options, @BindsInstance Console console);
    }

    static RunnerComponent create(RunOptions options, Console console) {
        return DaggerRunnerComponent.factory().create(options, console);
    }
}
