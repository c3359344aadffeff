package bindingtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
)

// referenceDir holds what test/cross-language.test.ts wrote during jest (`npx projen test`).
var referenceDir = filepath.Join("..", "..", "test-reports", "cross-language")

func readReference(t *testing.T, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(referenceDir, file))
	if err != nil {
		t.Fatalf("no TypeScript reference (run `npx projen test` first): %v", err)
	}
	return data
}

// TestTemplateIsIdenticalToTheTypeScriptOne: the Go module synthesizes the same templates.
func TestTemplateIsIdenticalToTheTypeScriptOne(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			stack := newStack()
			s.build(stack)
			template := assertions.Template_FromStack(stack, nil).ToJSON()
			// Both sides as encoding/json reads them (numbers float64), then compared whole.
			text, err := json.Marshal(template)
			if err != nil {
				t.Fatal(err)
			}
			var actual, expected interface{}
			if err := json.Unmarshal(text, &actual); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(readReference(t, s.name+".json"), &expected); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(actual, expected) {
				want, _ := json.MarshalIndent(expected, "", " ")
				got, _ := json.MarshalIndent(actual, "", " ")
				t.Errorf("template differs from the TypeScript one\n--- TypeScript\n%s\n--- Go\n%s", want, got)
			}
		})
	}
}

// TestRenderedWorkflowIsIdenticalToTheTypeScriptOne: the Go module renders the same workflows.
func TestRenderedWorkflowIsIdenticalToTheTypeScriptOne(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			workflow := *s.build(newStack()).RenderWorkflow(nil)
			if expected := string(readReference(t, s.name+".workflow.yml")); workflow != expected {
				t.Errorf("workflow differs from the TypeScript one\n--- TypeScript\n%s\n--- Go\n%s", expected, workflow)
			}
		})
	}
}
