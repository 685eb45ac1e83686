package main

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v4"
	"go.temporal.io/server/common/authorization"
)

// jwksRecheck bounds how often the JWKS file is stat'ed for changes, so a rotated key is picked up
// within this delay without touching the disk on every request.
var jwksRecheck = 2 * time.Second

// fileKeyProvider serves the RS256/ES256 public keys of a local JWKS file (the same document a
// JWKS URL would return) and reloads the file when its modification time or size changes.
type fileKeyProvider struct {
	path string

	mu        sync.Mutex
	rsaKeys   map[string]*rsa.PublicKey
	ecKeys    map[string]*ecdsa.PublicKey
	modTime   time.Time
	size      int64
	checkedAt time.Time
	lastErr   string // last reload error reported, to report each new problem once
}

var _ authorization.TokenKeyProvider = (*fileKeyProvider)(nil)

// newFileKeyProvider fails if the file cannot be read or holds no usable key, so a server never
// starts unable to verify any token.
func newFileKeyProvider(path string) (*fileKeyProvider, error) {
	p := &fileKeyProvider{path: path}
	if err := p.reload(time.Now()); err != nil {
		return nil, err
	}
	if len(p.rsaKeys)+len(p.ecKeys) == 0 {
		return nil, fmt.Errorf("JWKS file %s holds no RSA or EC public key; add the token signing key", path)
	}
	return p, nil
}

func (p *fileKeyProvider) RsaKey(alg string, kid string) (*rsa.PublicKey, error) {
	if !strings.EqualFold(alg, jwt.SigningMethodRS256.Name) {
		return nil, fmt.Errorf("unexpected signing algorithm: %s", alg)
	}
	p.refresh()
	p.mu.Lock()
	defer p.mu.Unlock()
	if key, ok := p.rsaKeys[kid]; ok {
		return key, nil
	}
	return nil, fmt.Errorf("RSA key not found for key ID %q in %s", kid, p.path)
}

func (p *fileKeyProvider) EcdsaKey(alg string, kid string) (*ecdsa.PublicKey, error) {
	if !strings.EqualFold(alg, jwt.SigningMethodES256.Name) {
		return nil, fmt.Errorf("unexpected signing algorithm: %s", alg)
	}
	p.refresh()
	p.mu.Lock()
	defer p.mu.Unlock()
	if key, ok := p.ecKeys[kid]; ok {
		return key, nil
	}
	return nil, fmt.Errorf("ECDSA key not found for key ID %q in %s", kid, p.path)
}

func (p *fileKeyProvider) HmacKey(alg string, _ string) ([]byte, error) {
	return nil, fmt.Errorf("unsupported key type HMAC for: %s", alg)
}

func (p *fileKeyProvider) SupportedMethods() []string {
	return []string{jwt.SigningMethodRS256.Name, jwt.SigningMethodES256.Name}
}

func (p *fileKeyProvider) Close() {}

// refresh reloads the file if it changed; on a bad rewrite the previous keys stay in use.
func (p *fileKeyProvider) refresh() {
	now := time.Now()
	p.mu.Lock()
	due := now.Sub(p.checkedAt) >= jwksRecheck
	p.mu.Unlock()
	if !due {
		return
	}
	err := p.reload(now)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil && err.Error() != p.lastErr {
		fmt.Fprintf(os.Stderr, "mooring-temporal-server: keeping the previous JWT keys: %v\n", err)
	}
	p.lastErr = ""
	if err != nil {
		p.lastErr = err.Error()
	}
}

func (p *fileKeyProvider) reload(now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checkedAt = now
	info, err := os.Stat(p.path)
	if err != nil {
		return fmt.Errorf("reading JWKS file: %w", err)
	}
	if p.rsaKeys != nil && info.ModTime().Equal(p.modTime) && info.Size() == p.size {
		return nil
	}
	rsaKeys, ecKeys, err := readJWKS(p.path)
	if err != nil {
		return err
	}
	p.rsaKeys, p.ecKeys, p.modTime, p.size = rsaKeys, ecKeys, info.ModTime(), info.Size()
	return nil
}

func readJWKS(path string) (map[string]*rsa.PublicKey, map[string]*ecdsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading JWKS file: %w", err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, nil, fmt.Errorf("JWKS file %s is not a JSON Web Key Set ({\"keys\": [...]}): %w", path, err)
	}
	rsaKeys := map[string]*rsa.PublicKey{}
	ecKeys := map[string]*ecdsa.PublicKey{}
	for _, k := range set.Keys {
		if k.KeyID == "" {
			return nil, nil, fmt.Errorf("JWKS file %s has a key without \"kid\"; tokens name their key by kid", path)
		}
		switch key := k.Key.(type) {
		case *rsa.PublicKey:
			rsaKeys[k.KeyID] = key
		case *ecdsa.PublicKey:
			ecKeys[k.KeyID] = key
		default:
			return nil, nil, fmt.Errorf("JWKS file %s: key %q is not an RSA or EC public key", path, k.KeyID)
		}
	}
	return rsaKeys, ecKeys, nil
}
