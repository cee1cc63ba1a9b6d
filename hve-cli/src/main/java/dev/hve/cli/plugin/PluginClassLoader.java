package dev.hve.cli.plugin;

import dev.hve.cli.config.UsageException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class loader plug-ins are discovered through: every {@code *.jar} in the {@code --plugin-path}
 * directories, in name order so discovery is deterministic, over the runner's own class path
 * (where the built-in backends live, so plug-ins can build on them through the SDK).
 */
public final class PluginClassLoader {

    private PluginClassLoader() {
    }

    public static ClassLoader over(List<Path> directories, ClassLoader parent) {
        if (directories.isEmpty()) {
            return parent;
        }
        List<URL> jars = new ArrayList<>();
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                throw new UsageException("--plugin-path " + directory + ": no such directory");
            }
            try (Stream<Path> files = Files.list(directory)) {
                for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(jar.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new UsageException("--plugin-path " + directory + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UsageException("cannot list --plugin-path " + directory + ": " + e.getMessage());
            }
        }
        return new URLClassLoader("hve-plugins", jars.toArray(new URL[0]), parent);
    }
}
