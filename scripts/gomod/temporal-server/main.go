// Command mooring-temporal-server runs every Temporal service of go.temporal.io/server in one
// process, like `temporal-server start`, with Mooring's authorization: JWT keys from a local JWKS
// file, Temporal's permissions claims plus mooring_task_queues, and an authorizer that confines
// the `worker` role to running an activity-only worker on its own task queues.
//
//	mooring-temporal-server --config-file deploy/temporal/server-config.yaml [--jwks keys.json]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	_ "time/tzdata" // embed tzdata as a fallback, as temporal-server does

	"github.com/Masterminds/sprig/v3"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql" // postgres12 plugin
	"go.temporal.io/server/temporal"
	"gopkg.in/validator.v2"
	"gopkg.in/yaml.v3"
)

// mooringAuth is the value `global.authorization.authorizer` and `.claimMapper` must have, so a
// config written for this binary cannot be started by a stock temporal-server without
// authorization (it fails on the unknown name instead).
const mooringAuth = "mooring"

func main() {
	configFile := flag.String("config-file", "", "Temporal server config (YAML; rendered as a template when a comment in its first 1KB says enable-template)")
	jwksFile := flag.String("jwks", "", "JWKS file with the public keys that verify JWTs (default: the file:// entries of global.authorization.jwtKeyProvider.keySourceURIs)")
	flag.Parse()
	if err := run(*configFile, *jwksFile); err != nil {
		fmt.Fprintf(os.Stderr, "mooring-temporal-server: %v\n", err)
		os.Exit(1)
	}
}

func run(configFile, jwksFile string) error {
	if configFile == "" || flag.NArg() > 0 {
		return fmt.Errorf("usage: mooring-temporal-server --config-file <server-config.yaml> [--jwks <keys.json>]")
	}
	cfg, err := loadConfig(configFile)
	if err != nil {
		return err
	}
	authCfg := &cfg.Global.Authorization
	if authCfg.Authorizer != mooringAuth || authCfg.ClaimMapper != mooringAuth {
		return fmt.Errorf("%s: global.authorization.authorizer and .claimMapper must both be %q (this binary always authorizes)", configFile, mooringAuth)
	}
	if jwksFile == "" {
		if jwksFile, err = jwksFromConfig(authCfg.JWTKeyProvider.KeySourceURIs); err != nil {
			return fmt.Errorf("%s: %w", configFile, err)
		}
	}
	keys, err := newFileKeyProvider(jwksFile)
	if err != nil {
		return err
	}

	logger := log.NewZapLogger(log.BuildZapLogger(cfg.Log))
	var dcClient dynamicconfig.Client = dynamicconfig.NewNoopClient()
	if cfg.DynamicConfigClient != nil {
		if dcClient, err = dynamicconfig.NewFileBasedClient(cfg.DynamicConfigClient, logger, temporal.InterruptCh()); err != nil {
			return fmt.Errorf("dynamic config %s: %w", cfg.DynamicConfigClient.Filepath, err)
		}
	}
	audience, err := authorization.GetAudienceMapperFromConfig(authCfg)
	if err != nil {
		return fmt.Errorf("%s: audience: %w", configFile, err)
	}
	claimMapper := newMooringClaimMapper(keys, authCfg, logger)

	server, err := temporal.NewServer(
		temporal.ForServices(servicesOf(cfg)),
		temporal.WithConfig(cfg),
		temporal.WithDynamicConfigClient(dcClient),
		temporal.WithLogger(logger),
		temporal.InterruptOn(temporal.InterruptCh()),
		temporal.WithAuthorizer(newMooringAuthorizer(logger)),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithAudienceGetter(func(*config.Config) authorization.JWTAudienceMapper { return audience }),
	)
	if err != nil {
		return fmt.Errorf("creating the server: %w", err)
	}
	// Start blocks until SIGINT/SIGTERM, then stops every service.
	if err := server.Start(); err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	return nil
}

// loadConfig reads one file the way Temporal's config loader reads each file of its config
// directory: sprig template rendering (`{{ env "X" | default "y" }}`) when enabled, then YAML and
// validation.
func loadConfig(path string) (*config.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading server config: %w", err)
	}
	if templatingEnabled(data) {
		tpl, err := template.New(filepath.Base(path)).Funcs(sprig.FuncMap()).Option("missingkey=error").Parse(string(data))
		if err != nil {
			return nil, fmt.Errorf("server config %s: %w", path, err)
		}
		var out bytes.Buffer
		if err := tpl.Execute(&out, nil); err != nil {
			return nil, fmt.Errorf("server config %s: %w", path, err)
		}
		data = out.Bytes()
	}
	cfg := &config.Config{}
	if err := yaml.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("server config %s (after rendering): %w", path, err)
	}
	if err := validator.Validate(cfg); err != nil {
		return nil, fmt.Errorf("server config %s: %w", path, err)
	}
	return cfg, nil
}

func templatingEnabled(data []byte) bool {
	head := data[:min(len(data), 1024)]
	for line := range strings.SplitSeq(string(head), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") && strings.Contains(line, "enable-template") {
			return true
		}
	}
	return false
}

func jwksFromConfig(uris []string) (string, error) {
	var files []string
	for _, uri := range uris {
		path, ok := strings.CutPrefix(strings.TrimSpace(uri), "file://")
		if !ok || path == "" {
			return "", fmt.Errorf("jwtKeyProvider.keySourceURIs entry %q is not a file:// URI; this server reads keys from a local JWKS file only", uri)
		}
		files = append(files, path)
	}
	if len(files) != 1 {
		return "", fmt.Errorf("pass --jwks <file> or exactly one file:// URI in global.authorization.jwtKeyProvider.keySourceURIs (found %d)", len(files))
	}
	return files[0], nil
}

// servicesOf starts the services the config declares, in Temporal's order.
func servicesOf(cfg *config.Config) []string {
	var out []string
	for _, name := range temporal.Services {
		if _, ok := cfg.Services[name]; ok {
			out = append(out, name)
		}
	}
	return out
}
