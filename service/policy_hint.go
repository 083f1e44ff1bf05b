package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
)

// resultsHint is the capacity an evaluation's results start with: at most
// one result a rule of its kind and object, as the default environment's
// rules count them, within the request's budget. A million results
// appended to a growing slice spend a second copying and clearing it.
func resultsHint(ctx context.Context, prog *policy.Program, req unet.PolicyEvalRequest, nodes, links, locations int) int {
	if req.Rule != "" {
		return 0
	}
	byKind := map[policy.ObjectKind]int{}
	for _, r := range prog.Rules() {
		byKind[r.Kind]++
	}
	n := nodes * byKind[policy.KindNode]
	if len(req.Nodes) == 0 {
		n += links*byKind[policy.KindLink] + locations*byKind[policy.KindLocation]
	}
	if budget := unet.MaxEngineResults(ctx); budget > 0 {
		n = min(n, budget)
	}
	return n
}
