package main

import (
	"strings"
	"testing"
)

// The template lives in deploy/temporal; this keeps it and the binary's loader in step.
const serverConfigTemplate = "../../../deploy/temporal/server-config.yaml"

func setRequiredEnv(t *testing.T) {
	for k, v := range map[string]string{
		"MOORING_PG_HOST": "db.internal", "MOORING_PG_USER": "temporal", "MOORING_PG_PASSWORD": `p"w: #x`,
		"MOORING_TLS_CA": "/pki/ca.pem", "MOORING_TLS_SERVER_CERT": "/pki/server.pem", "MOORING_TLS_SERVER_KEY": "/pki/server.key",
		"MOORING_TEMPORAL_DYNAMIC_CONFIG": "/etc/dc.yaml", "MOORING_TEMPORAL_JWKS": "/keys/jwks.json",
		"TEMPORAL_BIND_IP": "0.0.0.0", "TEMPORAL_PORT": "17233", "TEMPORAL_PORT_BASE": "17300",
	} {
		t.Setenv(k, v)
	}
}

func TestServerConfigTemplateRenders(t *testing.T) {
	setRequiredEnv(t)
	cfg, err := loadConfig(serverConfigTemplate)
	if err != nil {
		t.Fatal(err)
	}
	auth := cfg.Global.Authorization
	if auth.Authorizer != mooringAuth || auth.ClaimMapper != mooringAuth || auth.PermissionsClaimName != "permissions" {
		t.Fatalf("authorization = %+v", auth)
	}
	if jwks, err := jwksFromConfig(auth.JWTKeyProvider.KeySourceURIs); err != nil || jwks != "/keys/jwks.json" {
		t.Fatalf("jwks = %q, %v", jwks, err)
	}
	fe := cfg.Global.TLS.Frontend.Server
	if !fe.RequireClientAuth || fe.CertFile != "/pki/server.pem" || len(fe.ClientCAFiles) != 1 || fe.ClientCAFiles[0] != "/pki/ca.pem" {
		t.Fatalf("frontend TLS = %+v", fe)
	}
	sql := cfg.Persistence.DataStores["postgres-default"].SQL
	if sql.ConnectAddr != "db.internal:5432" || sql.Password != `p"w: #x` || sql.DatabaseName != "temporal" || sql.PluginName != "postgres12" {
		t.Fatalf("default store = %+v", sql)
	}
	if vis := cfg.Persistence.DataStores["postgres-visibility"].SQL; vis.DatabaseName != "temporal_visibility" {
		t.Fatalf("visibility db = %q", vis.DatabaseName)
	}
	if cfg.Persistence.NumHistoryShards != 4 {
		t.Fatalf("shards = %d", cfg.Persistence.NumHistoryShards)
	}
	front := cfg.Services["frontend"].RPC
	if front.GRPCPort != 17233 || front.BindOnIP != "0.0.0.0" || front.HTTPPort != 7243 {
		t.Fatalf("frontend rpc = %+v", front)
	}
	if h := cfg.Services["history"].RPC; h.GRPCPort != 17300 || h.BindOnIP != "127.0.0.1" {
		t.Fatalf("history rpc = %+v", h)
	}
	if got := strings.Join(servicesOf(cfg), ","); got != "frontend,internal-frontend,history,matching,worker" {
		t.Fatalf("services = %s", got)
	}
	if addr := cfg.ClusterMetadata.ClusterInformation["active"].RPCAddress; addr != "127.0.0.1:17233" {
		t.Fatalf("cluster rpcAddress = %s", addr)
	}
	if cfg.DynamicConfigClient == nil || cfg.DynamicConfigClient.Filepath != "/etc/dc.yaml" {
		t.Fatalf("dynamic config = %+v", cfg.DynamicConfigClient)
	}
}

func TestServerConfigTemplateNamesMissingVariable(t *testing.T) {
	setRequiredEnv(t)
	t.Setenv("MOORING_TLS_SERVER_KEY", "")
	_, err := loadConfig(serverConfigTemplate)
	if err == nil || !strings.Contains(err.Error(), "MOORING_TLS_SERVER_KEY is not set") {
		t.Fatalf("err = %v", err)
	}
}

func TestJWKSMustBeALocalFile(t *testing.T) {
	if _, err := jwksFromConfig([]string{"https://idp.example/jwks"}); err == nil {
		t.Fatal("an https key source was accepted")
	}
	if _, err := jwksFromConfig(nil); err == nil {
		t.Fatal("no key source was accepted")
	}
}
