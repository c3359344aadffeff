package io.github.oidcconstructs.githubactionsoidc.bindingtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.oidcconstructs.githubactionsoidc.GitHubActionsRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * The Java package synthesizes the same templates, and renders the same workflows, as the
 * TypeScript library: the references are what test/cross-language.test.ts wrote during jest.
 */
class BindingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> scenarios() {
    return Scenarios.ALL.keySet().stream();
  }

  private static Path reference(String file) {
    String dir = System.getProperty("referenceDir", "../../test-reports/cross-language");
    return Path.of(dir, file);
  }

  private static GitHubActionsRole build(String name, Stack stack) {
    return Scenarios.ALL.get(name).apply(stack);
  }

  @DisplayName("template is identical to the TypeScript one")
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void templateIsIdenticalToTheTypeScriptOne(String name) throws IOException {
    Stack stack = Scenarios.newStack();
    build(name, stack);
    Map<String, Object> template = Template.fromStack(stack).toJSON();
    assertFalse(template.isEmpty());
    // Both sides through the same JSON writer, so a difference shows as a readable text diff.
    JsonNode expected = JSON.readTree(reference(name + ".json").toFile());
    JsonNode actual = JSON.readTree(JSON.writeValueAsString(template));
    assertEquals(expected.toPrettyString(), actual.toPrettyString());
  }

  @DisplayName("rendered workflow is identical to the TypeScript one")
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void renderedWorkflowIsIdenticalToTheTypeScriptOne(String name) throws IOException {
    GitHubActionsRole role = build(name, Scenarios.newStack());
    String expected = Files.readString(reference(name + ".workflow.yml"), StandardCharsets.UTF_8);
    assertEquals(expected, role.renderWorkflow());
  }
}
