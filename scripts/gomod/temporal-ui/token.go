package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"
	"google.golang.org/grpc/metadata"
)

// readToken reads the JWT on every request so a rotated token file takes effect at once.
func readToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the UI token (%s): %w", tokenFileEnv, err)
	}
	token := strings.TrimSpace(string(data))
	token = strings.TrimSpace(strings.TrimPrefix(token, "Bearer "))
	if token == "" {
		return "", fmt.Errorf("the UI token file %s (%s) is empty", path, tokenFileEnv)
	}
	return token, nil
}

// injectToken gives requests without an Authorization header the UI's own token: as an HTTP
// header for the grpc-gateway routes (which forward it as gRPC metadata) and as outgoing gRPC
// metadata for handlers that call Temporal directly with the request context (raw history).
func injectToken(tokenFile string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Header.Get(echo.HeaderAuthorization) != "" {
				return next(c)
			}
			token, err := readToken(tokenFile)
			if err != nil {
				c.Logger().Error(err)
				return echo.NewHTTPError(http.StatusInternalServerError, "the UI server cannot read its Temporal token; see its log")
			}
			bearer := "Bearer " + token
			req.Header.Set(echo.HeaderAuthorization, bearer)
			ctx := metadata.AppendToOutgoingContext(req.Context(), "authorization", bearer)
			c.SetRequest(req.WithContext(ctx))
			return next(c)
		}
	}
}
