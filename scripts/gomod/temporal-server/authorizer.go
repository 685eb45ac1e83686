package main

import (
	"context"
	"slices"
	"strings"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/api"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// agentDeniedReason is what a denied agent credential sees in the PermissionDenied error.
const agentDeniedReason = "a worker-role credential may only poll the activity task queues listed in its " +
	"mooring_task_queues claim and complete, fail, cancel or heartbeat those tasks; use a credential with " +
	"the read, write or admin role for this call"

// mooringAuthorizer decides like Temporal's default authorizer, and in addition lets a credential
// holding the `worker` role on a namespace (a Mooring agent) run an activity-only worker there and
// nothing else. Temporal's default authorizer gives the worker role no rights at all (it ranks
// below read), so the worker rules below never widen what read/write/admin credentials can do.
type mooringAuthorizer struct {
	standard authorization.Authorizer
	logger   log.Logger
}

var _ authorization.Authorizer = (*mooringAuthorizer)(nil)

func newMooringAuthorizer(logger log.Logger) *mooringAuthorizer {
	return &mooringAuthorizer{standard: authorization.NewDefaultAuthorizer(), logger: logger}
}

var (
	allow = authorization.Result{Decision: authorization.DecisionAllow}
	deny  = authorization.Result{Decision: authorization.DecisionDeny}
)

func (a *mooringAuthorizer) Authorize(
	ctx context.Context,
	claims *authorization.Claims,
	target *authorization.CallTarget,
) (authorization.Result, error) {
	if authorization.IsHealthCheckAPI(target.APIName) {
		return allow, nil
	}
	if claims == nil {
		return deny, nil
	}
	result, err := a.standard.Authorize(ctx, claims, target)
	if err != nil || result.Decision == authorization.DecisionAllow {
		return result, err
	}
	if claims.Namespaces[target.Namespace]&authorization.RoleWorker == 0 || target.Namespace == "" {
		return result, nil
	}
	if workerMayCall(claims, target) {
		a.logger.Debug("Allowed a call of a worker-role credential",
			tag.NewStringTag("subject", claims.Subject),
			tag.WorkflowNamespace(target.Namespace),
			tag.NewStringTag("api", target.APIName))
		return allow, nil
	}
	// An agent calling outside its allowance is either misconfigured or compromised: say so.
	a.logger.Warn("Denied a call of a worker-role credential",
		tag.NewStringTag("subject", claims.Subject),
		tag.WorkflowNamespace(target.Namespace),
		tag.NewStringTag("api", target.APIName))
	return authorization.Result{Decision: authorization.DecisionDeny, Reason: agentDeniedReason}, nil
}

// workerAPIs are the WorkflowService methods an activity-only worker needs: the TypeScript SDK
// worker describes its namespace at start, polls, reports results and heartbeats by task token,
// records worker heartbeats and says goodbye at shutdown. The *ById variants are left out on purpose:
// they address any activity of any workflow by ids instead of by a token the server handed out.
var workerAPIs = map[string]struct{}{
	"DescribeNamespace":            {},
	"PollActivityTaskQueue":        {},
	"RespondActivityTaskCompleted": {},
	"RespondActivityTaskFailed":    {},
	"RespondActivityTaskCanceled":  {},
	"RecordActivityTaskHeartbeat":  {},
	"RecordWorkerHeartbeat":        {},
	"ShutdownWorker":               {},
}

// workerMayCall assumes the caller holds the worker role on target.Namespace.
func workerMayCall(claims *authorization.Claims, target *authorization.CallTarget) bool {
	method, ok := strings.CutPrefix(target.APIName, api.WorkflowServicePrefix)
	if !ok {
		return false
	}
	if _, ok := workerAPIs[method]; !ok {
		return false
	}
	switch req := target.Request.(type) {
	case *workflowservice.DescribeNamespaceRequest:
		// By name only: a request by id would be authorized against the name it also carries.
		return req.GetId() == ""
	case *workflowservice.PollActivityTaskQueueRequest:
		return slices.Contains(taskQueuesOf(claims), req.GetTaskQueue().GetName())
	}
	// Completions and heartbeats carry a task token; the frontend checks that the token belongs to
	// the request's namespace (frontend.enableTokenNamespaceEnforcement, on by default).
	return true
}
