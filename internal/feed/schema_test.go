package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaFile is the IPTC ninjs 2.1 JSON Schema (see SOURCE.md beside it).
const schemaFile = "../../testdata/ninjs/ninjs-2.1.schema.json"

// TestFixturesMatchNinjsSchema keeps the ninjs 2 fixtures and the seed
// articles honest: what the parser is tested on must be what the standard
// allows. The ninjs 1 fixtures (v1-*) use field names 2.1 forbids, and
// firstpublished, which Newsdesk reads but ninjs 2.1 lacks, so they are not
// checked here.
func TestFixturesMatchNinjsSchema(t *testing.T) {
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("ninjs-2.1.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("ninjs-2.1.schema.json")
	if err != nil {
		t.Fatal(err)
	}

	files, _ := filepath.Glob(filepath.Join(fixtures, "v2-*.json"))
	seeds, _ := filepath.Glob(filepath.Join(seedDir, "*.ninjs.json"))
	if len(files) < 3 || len(seeds) < 2 {
		t.Fatalf("found %d v2 fixtures and %d seed articles", len(files), len(seeds))
	}
	for _, file := range append(files, seeds...) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(read(t, file)))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("not valid ninjs 2.1: %v", err)
			}
		})
	}

	// The schema check must be able to fail.
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(read(t, filepath.Join(fixtures, "bad-headlines-string.json"))))
	if schema.Validate(inst) == nil {
		t.Error("schema accepted headlines given as a string")
	}
}
