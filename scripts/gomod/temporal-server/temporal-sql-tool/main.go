// Command temporal-sql-tool is Temporal's SQL schema tool (go.temporal.io/server/cmd/tools/sql)
// under the name its docs use. The schemas are embedded in the binary: pass
// `--schema-name postgresql/v12/temporal` (or `.../visibility`) instead of a directory.
package main

import (
	"os"

	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql" // postgres12 plugin
	"go.temporal.io/server/tools/sql"
)

func main() {
	if err := sql.RunTool(os.Args); err != nil {
		os.Exit(1)
	}
}
