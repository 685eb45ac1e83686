package main

import (
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v4"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
)

// taskQueuesClaim lists the task queues a worker-role credential may poll.
const taskQueuesClaim = "mooring_task_queues"

// mooringExtensions is what Mooring keeps in authorization.Claims.Extensions.
type mooringExtensions struct {
	TaskQueues []string
}

// mooringClaimMapper is Temporal's JWT claim mapper (the `permissions` claim with
// `<namespace>:<role>` entries, `temporal-system:<role>` for the cluster) plus the
// mooring_task_queues claim.
type mooringClaimMapper struct {
	standard authorization.ClaimMapper
}

var _ authorization.ClaimMapper = (*mooringClaimMapper)(nil)

func newMooringClaimMapper(keys authorization.TokenKeyProvider, cfg *config.Authorization, logger log.Logger) *mooringClaimMapper {
	return &mooringClaimMapper{standard: authorization.NewDefaultJWTClaimMapper(keys, cfg, logger)}
}

func (m *mooringClaimMapper) GetClaims(authInfo *authorization.AuthInfo) (*authorization.Claims, error) {
	claims, err := m.standard.GetClaims(authInfo)
	if err != nil || claims == nil || authInfo.AuthToken == "" {
		return claims, err
	}
	// The standard mapper has verified the signature, expiry and audience of this very token.
	_, token, _ := strings.Cut(authInfo.AuthToken, " ")
	raw := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, raw); err != nil {
		return nil, fmt.Errorf("re-reading verified token: %w", err)
	}
	queues, err := stringList(raw[taskQueuesClaim])
	if err != nil {
		return nil, err
	}
	claims.Extensions = &mooringExtensions{TaskQueues: queues}
	return claims, nil
}

func stringList(value any) ([]string, error) {
	if value == nil {
		return nil, nil
	}
	items, ok := value.([]any)
	if !ok {
		return nil, fmt.Errorf("token claim %s must be an array of task queue names", taskQueuesClaim)
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		s, ok := item.(string)
		if !ok {
			return nil, fmt.Errorf("token claim %s must be an array of task queue names", taskQueuesClaim)
		}
		out = append(out, s)
	}
	return out, nil
}

func taskQueuesOf(claims *authorization.Claims) []string {
	if ext, ok := claims.Extensions.(*mooringExtensions); ok {
		return ext.TaskQueues
	}
	return nil
}
