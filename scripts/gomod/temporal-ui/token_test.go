package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/labstack/echo/v4"
	"google.golang.org/grpc/metadata"
)

func TestInjectTokenOnlyWhenTheRequestHasNone(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ui.jwt")
	if err := os.WriteFile(file, []byte("tok-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	var header string
	var md metadata.MD
	handler := injectToken(file)(func(c echo.Context) error {
		header = c.Request().Header.Get(echo.HeaderAuthorization)
		md, _ = metadata.FromOutgoingContext(c.Request().Context())
		return nil
	})
	serve := func(auth string) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/namespaces", nil)
		if auth != "" {
			req.Header.Set(echo.HeaderAuthorization, auth)
		}
		header, md = "", nil
		if err := handler(e.NewContext(req, httptest.NewRecorder())); err != nil {
			t.Fatal(err)
		}
	}

	serve("")
	if header != "Bearer tok-1" || len(md.Get("authorization")) != 1 || md.Get("authorization")[0] != "Bearer tok-1" {
		t.Fatalf("header %q, metadata %v", header, md)
	}
	serve("Bearer caller")
	if header != "Bearer caller" || md != nil {
		t.Fatalf("caller's token replaced: header %q, metadata %v", header, md)
	}
	// A rotated token file takes effect on the next request.
	if err := os.WriteFile(file, []byte("tok-2"), 0o600); err != nil {
		t.Fatal(err)
	}
	serve("")
	if header != "Bearer tok-2" {
		t.Fatalf("header %q after rotation", header)
	}
	// An empty token file is an error, not an anonymous call.
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/namespaces", nil)
	if err := handler(e.NewContext(req, httptest.NewRecorder())); err == nil {
		t.Fatal("empty token file accepted")
	}
}
