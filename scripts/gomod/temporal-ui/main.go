// Command mooring-temporal-ui serves Temporal's Web UI (github.com/temporalio/ui-server/v2) against
// a frontend that requires a client certificate and a JWT: it dials with the TLS files of its
// config and adds `authorization: Bearer <token from MOORING_UI_TOKEN_FILE>` to every call whose
// HTTP request carries no Authorization header.
//
//	mooring-temporal-ui --config-file deploy/temporal/ui-config.yaml
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/temporalio/ui-server/v2/server/api"
	"github.com/temporalio/ui-server/v2/server/auth"
	"github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/cors"
	"github.com/temporalio/ui-server/v2/server/csrf"
	"github.com/temporalio/ui-server/v2/server/headers"
	"github.com/temporalio/ui-server/v2/server/route"
	"github.com/temporalio/ui-server/v2/ui"
	"gopkg.in/yaml.v3"
)

// tokenFileEnv names the file holding the JWT the UI presents to the Temporal frontend.
const tokenFileEnv = "MOORING_UI_TOKEN_FILE"

func main() {
	configFile := flag.String("config-file", "", "UI server config (YAML; rendered as a template when a comment in its first 1KB says enable-template)")
	flag.Parse()
	if err := run(*configFile); err != nil {
		fmt.Fprintf(os.Stderr, "mooring-temporal-ui: %v\n", err)
		os.Exit(1)
	}
}

func run(configFile string) error {
	if configFile == "" || flag.NArg() > 0 {
		return fmt.Errorf("usage: mooring-temporal-ui --config-file <ui-config.yaml>")
	}
	cfg, err := loadConfig(configFile)
	if err != nil {
		return err
	}
	tokenFile := os.Getenv(tokenFileEnv)
	if tokenFile == "" {
		return fmt.Errorf("%s is not set; point it at the file holding the UI's JWT", tokenFileEnv)
	}
	if _, err := readToken(tokenFile); err != nil {
		return err
	}
	e, err := newServer(cfg, tokenFile)
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
	if err := e.Start(addr); err != nil && err != http.ErrServerClosed {
		return fmt.Errorf("serving the UI on %s: %w", addr, err)
	}
	return nil
}

// newServer is ui-server's server.NewServer with one change: injectToken runs after the CSRF
// check (so requests that arrive without a token are still CSRF-protected) and before every route
// that calls Temporal.
func newServer(cfg *config.Config, tokenFile string) (*echo.Echo, error) {
	cfgProvider, err := config.NewConfigProviderWithRefresh(cfg)
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner = cfg.HideLogs
	e.HidePort = cfg.HideLogs
	if !cfg.HideLogs {
		e.Use(middleware.Logger())
	}
	e.Use(middleware.Recover())
	e.Use(middleware.Gzip())
	e.Use(cors.CORSMiddleware(cors.CORSConfig{
		AllowHeaders: []string{
			echo.HeaderOrigin, echo.HeaderContentType, echo.HeaderAccept,
			echo.HeaderXCSRFToken, echo.HeaderAuthorization, auth.AuthorizationExtrasHeader,
			"Caller-Type",
		},
		AllowCredentials: true,
		ConfigProvider:   cfgProvider,
	}))
	e.Use(middleware.Secure())
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		CookiePath:     "/",
		CookieHTTPOnly: false,
		CookieSameSite: http.SameSiteStrictMode,
		CookieSecure:   !cfg.CORS.CookieInsecure,
		Skipper:        csrf.SkipOnAuthorizationHeader,
	}))
	e.Use(injectToken(tokenFile))

	e.Pre(route.PublicPath(cfg.PublicPath))
	route.SetHealthRoute(e)
	forward := append([]string{auth.AuthorizationExtrasHeader, "Caller-Type"}, cfg.ForwardHeaders...)
	if err := route.SetAPIRoutes(e, cfgProvider, []api.Middleware{headers.WithForwardHeaders(forward)}); err != nil {
		return nil, err
	}
	route.SetAuthRoutes(e, cfgProvider)
	if cfg.EnableUI {
		assets, err := uiAssets(cfg)
		if err != nil {
			return nil, err
		}
		if err := route.SetUIRoutes(e, cfg.PublicPath, assets); err != nil {
			return nil, err
		}
		route.SetRenderRoute(e, cfg.PublicPath)
	}
	return e, nil
}

func uiAssets(cfg *config.Config) (fs.FS, error) {
	if cfg.UIAssetPath != "" {
		return os.DirFS(cfg.UIAssetPath), nil
	}
	assets, err := ui.Assets()
	if err != nil {
		return nil, err
	}
	dir := "local"
	if cfg.CloudUI {
		dir = "cloud"
	}
	return fs.Sub(assets, dir)
}

// loadConfig renders the config file like Temporal's loaders do (sprig functions, e.g.
// `{{ env "X" | default "y" }}`, when "enable-template" appears in a comment of the first 1KB).
func loadConfig(path string) (*config.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading UI config: %w", err)
	}
	if templatingEnabled(data) {
		tpl, err := template.New(filepath.Base(path)).Funcs(sprig.FuncMap()).Parse(string(data))
		if err != nil {
			return nil, fmt.Errorf("UI config %s: %w", path, err)
		}
		var out bytes.Buffer
		if err := tpl.Execute(&out, nil); err != nil {
			return nil, fmt.Errorf("UI config %s: %w", path, err)
		}
		data = out.Bytes()
	}
	cfg := &config.Config{}
	if err := yaml.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("UI config %s (after rendering): %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("UI config %s: %w", path, err)
	}
	if cfg.Port == 0 {
		return nil, fmt.Errorf("UI config %s: port is not set (MOORING_UI_PORT)", path)
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
