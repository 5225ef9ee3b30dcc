package cli

import (
	"flag"
	"fmt"
)

// newFlagSet makes a flag set whose -h prints the synopsis and description
// before the flags.
func newFlagSet(name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags (may also follow the arguments):\n", synopsis, description)
		fs.PrintDefaults()
	}
	return fs
}
