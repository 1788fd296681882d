package dev.orsgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The library modules as an application on the module path would see them: their descriptors resolve against their
 * real dependencies, only API packages are exported, and Jackson (with Blackbird) can still bind the model records,
 * which live in packages opened to it alone.
 */
class ModulePathTest {
    private static final Set<String> LIBRARY = Set.of(
            "dev.orsgateway.core",
            "dev.orsgateway.transcoder",
            "dev.orsgateway.store.sqlite",
            "dev.orsgateway.upstream.jdk",
            "dev.orsgateway.upstream.okhttp",
            "dev.orsgateway.server");

    // The library's own modules and what they require at run time, picked from the test class path (whose other
    // entries, test tools among them, would not all be valid modules).
    private static final Pattern RUNTIME =
            Pattern.compile(".*/(ors-(core|transcoder|store-sqlite|upstream-jdk|upstream-okhttp|server-adapter)"
                    + "|jackson-(core|databind|annotations|module-blackbird)|slf4j-api|jooq|r2dbc-spi"
                    + "|reactive-streams|sqlite-jdbc|HikariCP|okhttp|okhttp-jvm|okhttp-sse|okio|okio-jvm|kotlin-stdlib"
                    + "|jakarta\\.servlet-api)[-/].*");

    private static Path[] runtimePath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry ->
                        RUNTIME.matcher(entry.replace(File.separatorChar, '/')).matches())
                .filter(entry -> !entry.endsWith("-tests.jar") && !entry.endsWith("test-classes"))
                .map(Path::of)
                .toArray(Path[]::new);
    }

    private static ModuleLayer layer() {
        Configuration configuration =
                ModuleLayer.boot().configuration().resolve(ModuleFinder.of(runtimePath()), ModuleFinder.of(), LIBRARY);
        return ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void everyLibraryModuleResolvesAndExportsOnlyItsApi() {
        ModuleLayer layer = layer();
        for (String name : LIBRARY) {
            Module module = layer.findModule(name).orElseThrow();
            assertThat(module.getDescriptor().isAutomatic()).as(name).isFalse();
            for (String pkg : module.getPackages()) {
                boolean exported = module.isExported(pkg);
                assertThat(exported).as("%s exports %s", name, pkg).isEqualTo(!pkg.contains(".internal"));
            }
        }
        assertThat(layer.findModule("dev.orsgateway.core").orElseThrow().getPackages())
                .contains("dev.orsgateway.core.internal", "dev.orsgateway.core.model");
        assertThat(layer.findModule("dev.orsgateway.server")
                        .orElseThrow()
                        .getDescriptor()
                        .requires())
                .extracting(ModuleDescriptor.Requires::name)
                .contains("jakarta.servlet");
    }

    @Test
    void jacksonBindsTheModelInsideTheNamedModules() throws Exception {
        ClassLoader loader = layer().findLoader("dev.orsgateway.core");
        Class<?> orsJson = Class.forName("dev.orsgateway.core.json.OrsJson", true, loader);
        Class<?> eventType = Class.forName("dev.orsgateway.core.model.ResponseEvent", true, loader);
        Object mapper = orsJson.getMethod("mapper").invoke(null);
        Method readValue = mapper.getClass().getMethod("readValue", String.class, Class.class);
        String json = "{\"type\":\"response.output_text.delta\",\"sequence_number\":3,\"item_id\":\"msg_1\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\",\"logprobs\":[]}";

        Object event = readValue.invoke(mapper, json, eventType);
        byte[] frame = (byte[]) Class.forName("dev.orsgateway.core.json.SseEncoder", true, loader)
                .getMethod("frame", eventType)
                .invoke(null, event);
        String written = (String) orsJson.getMethod("write", Object.class).invoke(null, event);

        assertThat(event.getClass().getModule().getName()).isEqualTo("dev.orsgateway.core");
        assertThat(new String(frame, StandardCharsets.UTF_8))
                .isEqualTo("event: response.output_text.delta\ndata: " + written + "\n\n");
        assertThat(written).contains("\"delta\":\"Hi\"", "\"sequence_number\":3");
    }
}
