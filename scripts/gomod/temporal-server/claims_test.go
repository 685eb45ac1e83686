package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v4"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
)

func writeJWKS(t *testing.T, path string, keys map[string]*rsa.PrivateKey) {
	t.Helper()
	set := jose.JSONWebKeySet{}
	for kid, key := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &key.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
	}
	data, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func sign(t *testing.T, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	token := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	token.Header["kid"] = kid
	s, err := token.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + s
}

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestClaimMapperReadsPermissionsAndTaskQueues(t *testing.T) {
	jwksRecheck = 0
	key := newKey(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	writeJWKS(t, path, map[string]*rsa.PrivateKey{"k1": key})
	keys, err := newFileKeyProvider(path)
	if err != nil {
		t.Fatal(err)
	}
	mapper := newMooringClaimMapper(keys, &config.Authorization{}, log.NewNoopLogger())
	exp := time.Now().Add(time.Hour).Unix()

	claims, err := mapper.GetClaims(&authorization.AuthInfo{AuthToken: sign(t, key, "k1", jwt.MapClaims{
		"sub": "agent-a", "exp": exp,
		"permissions":         []string{"default:worker"},
		"mooring_task_queues": []string{"mooring-agent-a"},
	})})
	if err != nil {
		t.Fatal(err)
	}
	if claims.Subject != "agent-a" || claims.Namespaces["default"] != authorization.RoleWorker || claims.System != 0 {
		t.Fatalf("unexpected claims %+v", claims)
	}
	if got := taskQueuesOf(claims); !slices.Equal(got, []string{"mooring-agent-a"}) {
		t.Fatalf("task queues = %v", got)
	}

	admin, err := mapper.GetClaims(&authorization.AuthInfo{AuthToken: sign(t, key, "k1", jwt.MapClaims{
		"sub": "operator", "exp": exp, "permissions": []string{"temporal-system:admin"},
	})})
	if err != nil || admin.System != authorization.RoleAdmin || len(taskQueuesOf(admin)) != 0 {
		t.Fatalf("admin claims %+v, err %v", admin, err)
	}

	if _, err := mapper.GetClaims(&authorization.AuthInfo{AuthToken: sign(t, key, "k1", jwt.MapClaims{
		"sub": "x", "exp": exp, "mooring_task_queues": "not-a-list",
	})}); err == nil {
		t.Fatal("a non-array mooring_task_queues claim was accepted")
	}

	other := newKey(t)
	if _, err := mapper.GetClaims(&authorization.AuthInfo{AuthToken: sign(t, other, "k1", jwt.MapClaims{
		"sub": "forger", "exp": exp, "permissions": []string{"temporal-system:admin"},
	})}); err == nil {
		t.Fatal("a token signed by an unknown key was accepted")
	}
	if _, err := mapper.GetClaims(&authorization.AuthInfo{AuthToken: sign(t, key, "k1", jwt.MapClaims{
		"sub": "late", "exp": time.Now().Add(-time.Minute).Unix(),
	})}); err == nil {
		t.Fatal("an expired token was accepted")
	}

	// Key rotation: the file now holds only k2; tokens of k2 pass, tokens of k1 no longer do.
	rotated := newKey(t)
	writeJWKS(t, path, map[string]*rsa.PrivateKey{"k2": rotated})
	if _, err := mapper.GetClaims(&authorization.AuthInfo{AuthToken: sign(t, rotated, "k2", jwt.MapClaims{"sub": "a", "exp": exp})}); err != nil {
		t.Fatalf("token of the rotated key refused: %v", err)
	}
	if _, err := mapper.GetClaims(&authorization.AuthInfo{AuthToken: sign(t, key, "k1", jwt.MapClaims{"sub": "a", "exp": exp})}); err == nil {
		t.Fatal("token of a removed key still accepted")
	}
}

func TestFileKeyProviderRefusesUnusableFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte(`{"keys":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := newFileKeyProvider(empty); err == nil {
		t.Fatal("a JWKS without keys was accepted")
	}
	if _, err := newFileKeyProvider(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("a missing JWKS file was accepted")
	}
}
