package main

import (
	"context"
	"testing"

	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/api"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/log"
)

const ns = "default"

func agent(queues ...string) *authorization.Claims {
	return &authorization.Claims{
		Subject:    "agent-a",
		Namespaces: map[string]authorization.Role{ns: authorization.RoleWorker},
		Extensions: &mooringExtensions{TaskQueues: queues},
	}
}

func nsRole(role authorization.Role) *authorization.Claims {
	return &authorization.Claims{Subject: "u", Namespaces: map[string]authorization.Role{ns: role}}
}

func call(method string, namespace string, req any) *authorization.CallTarget {
	return &authorization.CallTarget{APIName: api.WorkflowServicePrefix + method, Namespace: namespace, Request: req}
}

func poll(namespace, queue string) *authorization.CallTarget {
	return call("PollActivityTaskQueue", namespace, &workflowservice.PollActivityTaskQueueRequest{
		Namespace: namespace, TaskQueue: &taskqueuepb.TaskQueue{Name: queue},
	})
}

func TestAuthorizer(t *testing.T) {
	system := &authorization.Claims{Subject: "op", System: authorization.RoleAdmin}
	systemWriter := &authorization.Claims{Subject: "cp", System: authorization.RoleWriter}
	start := call("StartWorkflowExecution", ns, &workflowservice.StartWorkflowExecutionRequest{Namespace: ns})
	list := call("ListWorkflowExecutions", ns, &workflowservice.ListWorkflowExecutionsRequest{Namespace: ns})
	register := call("RegisterNamespace", ns, &workflowservice.RegisterNamespaceRequest{Namespace: ns})
	addSA := &authorization.CallTarget{APIName: api.OperatorServicePrefix + "AddSearchAttributes", Namespace: ns}
	health := &authorization.CallTarget{APIName: "/grpc.health.v1.Health/Check"}

	cases := []struct {
		name   string
		claims *authorization.Claims
		target *authorization.CallTarget
		want   bool
	}{
		{"health check without claims", nil, health, true},
		{"GetSystemInfo without claims", nil, call("GetSystemInfo", "", &workflowservice.GetSystemInfoRequest{}), true},
		{"no claims", nil, start, false},
		{"empty claims (TLS only, no token)", &authorization.Claims{}, start, false},

		{"system admin registers a namespace", system, register, true},
		{"system admin adds search attributes", system, addSA, true},
		{"system writer starts a workflow", systemWriter, start, true},
		{"system writer cannot register a namespace", systemWriter, register, false},
		{"namespace writer starts a workflow", nsRole(authorization.RoleWriter), start, true},
		{"namespace writer cannot add search attributes", nsRole(authorization.RoleWriter), addSA, false},
		{"namespace admin adds search attributes", nsRole(authorization.RoleAdmin), addSA, true},
		{"namespace reader lists workflows", nsRole(authorization.RoleReader), list, true},
		{"namespace reader cannot start a workflow", nsRole(authorization.RoleReader), start, false},
		{"writer of another namespace", nsRole(authorization.RoleWriter), call("StartWorkflowExecution", "other", nil), false},

		{"agent describes its namespace", agent("q1"), call("DescribeNamespace", ns, &workflowservice.DescribeNamespaceRequest{Namespace: ns}), true},
		{"agent describes by id", agent("q1"), call("DescribeNamespace", ns, &workflowservice.DescribeNamespaceRequest{Namespace: ns, Id: "x"}), false},
		{"agent describes another namespace", agent("q1"), call("DescribeNamespace", "other", &workflowservice.DescribeNamespaceRequest{Namespace: "other"}), false},
		{"agent polls its queue", agent("q1", "q2"), poll(ns, "q2"), true},
		{"agent polls another queue", agent("q1"), poll(ns, "q3"), false},
		{"agent without queue claim polls", agent(), poll(ns, "q1"), false},
		{"agent polls its queue name in another namespace", agent("q1"), poll("other", "q1"), false},
		{"agent completes a task", agent("q1"), call("RespondActivityTaskCompleted", ns, &workflowservice.RespondActivityTaskCompletedRequest{Namespace: ns}), true},
		{"agent fails a task", agent("q1"), call("RespondActivityTaskFailed", ns, &workflowservice.RespondActivityTaskFailedRequest{Namespace: ns}), true},
		{"agent cancels a task", agent("q1"), call("RespondActivityTaskCanceled", ns, &workflowservice.RespondActivityTaskCanceledRequest{Namespace: ns}), true},
		{"agent heartbeats", agent("q1"), call("RecordActivityTaskHeartbeat", ns, &workflowservice.RecordActivityTaskHeartbeatRequest{Namespace: ns}), true},
		{"agent records worker heartbeat", agent("q1"), call("RecordWorkerHeartbeat", ns, &workflowservice.RecordWorkerHeartbeatRequest{Namespace: ns}), true},
		{"agent shuts its worker down", agent("q1"), call("ShutdownWorker", ns, &workflowservice.ShutdownWorkerRequest{Namespace: ns}), true},
		{"agent completes by id", agent("q1"), call("RespondActivityTaskCompletedById", ns, &workflowservice.RespondActivityTaskCompletedByIdRequest{Namespace: ns}), false},
		{"agent heartbeats by id", agent("q1"), call("RecordActivityTaskHeartbeatById", ns, &workflowservice.RecordActivityTaskHeartbeatByIdRequest{Namespace: ns}), false},
		{"agent starts a workflow", agent("q1"), start, false},
		{"agent signals a workflow", agent("q1"), call("SignalWorkflowExecution", ns, &workflowservice.SignalWorkflowExecutionRequest{Namespace: ns}), false},
		{"agent signal-with-starts", agent("q1"), call("SignalWithStartWorkflowExecution", ns, &workflowservice.SignalWithStartWorkflowExecutionRequest{Namespace: ns}), false},
		{"agent terminates a workflow", agent("q1"), call("TerminateWorkflowExecution", ns, &workflowservice.TerminateWorkflowExecutionRequest{Namespace: ns}), false},
		{"agent lists workflows", agent("q1"), list, false},
		{"agent polls workflow tasks on its queue", agent("q1"), call("PollWorkflowTaskQueue", ns, &workflowservice.PollWorkflowTaskQueueRequest{Namespace: ns, TaskQueue: &taskqueuepb.TaskQueue{Name: "q1"}}), false},
		{"agent creates a schedule", agent("q1"), call("CreateSchedule", ns, &workflowservice.CreateScheduleRequest{Namespace: ns}), false},
		{"agent adds search attributes", agent("q1"), addSA, false},
		{"agent role at system scope grants nothing", &authorization.Claims{System: authorization.RoleWorker, Extensions: &mooringExtensions{TaskQueues: []string{"q1"}}}, poll(ns, "q1"), false},
		{"reader+worker polls its queue", &authorization.Claims{Namespaces: map[string]authorization.Role{ns: authorization.RoleReader | authorization.RoleWorker}, Extensions: &mooringExtensions{TaskQueues: []string{"q1"}}}, poll(ns, "q1"), true},
	}
	authz := newMooringAuthorizer(log.NewNoopLogger())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := authz.Authorize(context.Background(), tc.claims, tc.target)
			if err != nil {
				t.Fatalf("Authorize returned error: %v", err)
			}
			if allowed := got.Decision == authorization.DecisionAllow; allowed != tc.want {
				t.Fatalf("allowed = %v, want %v (result %+v)", allowed, tc.want, got)
			}
		})
	}
}

func TestAgentDenialExplainsWhy(t *testing.T) {
	got, _ := newMooringAuthorizer(log.NewNoopLogger()).Authorize(context.Background(), agent("q1"),
		call("StartWorkflowExecution", ns, &workflowservice.StartWorkflowExecutionRequest{Namespace: ns}))
	if got.Decision != authorization.DecisionDeny || got.Reason != agentDeniedReason {
		t.Fatalf("got %+v, want a denial with the agent reason", got)
	}
}
