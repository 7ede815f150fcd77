package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker image's build stage, replayed without a Docker engine: copy exactly what the
 * Dockerfile's build stage COPYs into an empty directory, run its RUN steps there, and check that
 * the file the runtime stage copies out of the build stage exists. So a module the Dockerfile
 * forgets (as bench once was) fails the test run instead of the first {@code docker build}.
 */
class DockerBuildContextTest {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  /** One Dockerfile instruction of the build stage, continuation lines joined. */
  record Instruction(String keyword, String arguments) {}

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void theBuildStageSucceedsFromExactlyWhatTheDockerfileCopies(@TempDir Path context) throws Exception {
    List<Instruction> stages = instructions(Files.readString(REPO.resolve("Dockerfile")));
    List<Instruction> build = new ArrayList<>();
    String runtimeCopy = null;
    int from = 0;
    for (Instruction instruction : stages) {
      if (instruction.keyword().equals("FROM")) {
        from++;
      } else if (from == 1) {
        build.add(instruction);
      } else if (instruction.keyword().equals("COPY") && instruction.arguments().startsWith("--from=build ")) {
        runtimeCopy = instruction.arguments().substring("--from=build ".length()).strip().split("\\s+")[0];
      }
    }
    assertThat(runtimeCopy).as("the runtime stage copies the jar out of the build stage").isNotNull();
    Path workdir = context;
    for (Instruction step : build) {
      switch (step.keyword()) {
        case "WORKDIR" -> workdir = context;
        case "COPY" -> copy(step.arguments(), context);
        case "RUN" -> run(step.arguments(), workdir);
        default -> { }
      }
    }
    // /build/worker/target/accessflow.jar in the image is worker/target/accessflow.jar here.
    Path jar = context.resolve(runtimeCopy.replaceFirst("^/build/", ""));
    assertThat(jar).as("the file the runtime stage copies from the build stage").isRegularFile();
  }

  private static void copy(String arguments, Path context) throws IOException {
    String[] parts = arguments.strip().split("\\s+");
    Path target = context.resolve(parts[parts.length - 1].replaceFirst("^\\./?", ""));
    for (int i = 0; i < parts.length - 1; i++) {
      Path source = REPO.resolve(parts[i]);
      assertThat(source).as("Dockerfile COPY source " + parts[i]).exists();
      if (Files.isDirectory(source)) {
        copyTree(source, target); // Docker copies a directory's contents, not the directory itself
      } else {
        Path into = parts[parts.length - 1].endsWith("/") ? target.resolve(source.getFileName()) : target;
        Files.createDirectories(into.getParent());
        Files.copy(source, into, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path relative = source.relativize(file);
        if (java.util.stream.StreamSupport.stream(relative.spliterator(), false).anyMatch(p -> p.toString().equals("target"))) {
          continue; // .dockerignore keeps **/target/ out of the context
        }
        Path to = target.resolve(relative.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.createDirectories(to.getParent());
          Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void run(String command, Path workdir) throws Exception {
    // Maven on this machine stands in for the image's; the same local repository saves the download.
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", command)
        .directory(workdir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(workdir.resolve("docker-run.log").toFile());
    String repository = System.getProperty("accessflow.maven.repo.local");
    if (repository != null && !repository.isBlank()) {
      // The command stays the Dockerfile's own; only where Maven keeps its downloads is inherited.
      builder.environment().put("MAVEN_OPTS", "-Dmaven.repo.local=" + repository);
    }
    Process process = builder.start();
    boolean done = process.waitFor(9, TimeUnit.MINUTES);
    if (!done) {
      process.destroyForcibly();
    }
    String log = Files.readString(workdir.resolve("docker-run.log"));
    String tail = log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    assertThat(done && process.exitValue() == 0).as("Dockerfile step `RUN %s` failed:%n%s", command, tail).isTrue();
  }

  static List<Instruction> instructions(String dockerfile) {
    List<Instruction> found = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String raw : dockerfile.split("\n")) {
      String text = raw.strip();
      if (line.length() == 0 && (text.isEmpty() || text.startsWith("#"))) {
        continue;
      }
      if (text.endsWith("\\")) {
        line.append(text, 0, text.length() - 1).append(' ');
        continue;
      }
      line.append(text);
      String joined = line.toString().strip();
      line.setLength(0);
      int space = joined.indexOf(' ');
      found.add(new Instruction(joined.substring(0, space).toUpperCase(), joined.substring(space + 1)));
    }
    return found;
  }
}
