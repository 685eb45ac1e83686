//go:build tools

// Blank import so that `go mod tidy` keeps the peer's main package and its dependencies.
package tools

import _ "github.com/fluxcd/source-controller"
