package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/unet-dev/unet"
)

func gitSourcePath(name string) string {
	return BasePath + "/git/sources/" + url.PathEscape(name)
}

// AddGitSource adds a source on the server.
func (c *Client) AddGitSource(ctx context.Context, src *unet.GitSource, o unet.WriteOptions) (*unet.GitSource, error) {
	return fetch[unet.GitSource](ctx, c, call{method: http.MethodPost, path: BasePath + "/git/sources", query: writeQuery(o.Reason), body: src})
}

// ListGitSources lists the server's sources.
func (c *Client) ListGitSources(ctx context.Context) ([]unet.GitSource, error) {
	l, err := fetch[unet.List[unet.GitSource]](ctx, c, call{method: http.MethodGet, path: BasePath + "/git/sources"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// GetGitSource shows a source.
func (c *Client) GetGitSource(ctx context.Context, name string) (*unet.GitSource, error) {
	return fetch[unet.GitSource](ctx, c, call{method: http.MethodGet, path: gitSourcePath(name)})
}

// RemoveGitSource removes a source.
func (c *Client) RemoveGitSource(ctx context.Context, name string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: gitSourcePath(name), query: writeQuery(o.Reason)})
}

// SyncGitSource syncs one source on the server (all when name is empty). As
// in local mode, a rejected commit or an unreachable remote returns the
// results together with the error.
func (c *Client) SyncGitSource(ctx context.Context, name, trigger string) ([]unet.GitSyncResult, error) {
	path := BasePath + "/git/sync"
	if name != "" {
		path = gitSourcePath(name) + "/sync"
	}
	q := url.Values{}
	setIf(q, "trigger", trigger)
	var rep GitSyncReport
	got, err := c.doGit(ctx, call{method: http.MethodPost, path: path, query: q}, &rep)
	if !got {
		return nil, err
	}
	return rep.Results, err
}

// GitStatus returns the status of one source, or of all when name is empty.
func (c *Client) GitStatus(ctx context.Context, name string) ([]unet.GitStatus, error) {
	if name == "" {
		l, err := fetch[unet.List[unet.GitStatus]](ctx, c, call{method: http.MethodGet, path: BasePath + "/git/status"})
		if err != nil {
			return nil, err
		}
		return l.Items, nil
	}
	st, err := fetch[unet.GitStatus](ctx, c, call{method: http.MethodGet, path: gitSourcePath(name) + "/status"})
	if err != nil {
		return nil, err
	}
	return []unet.GitStatus{*st}, nil
}

// GitLog returns up to limit history entries of a source, newest first.
func (c *Client) GitLog(ctx context.Context, name string, limit int) ([]unet.GitSyncEntry, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	l, err := fetch[unet.List[unet.GitSyncEntry]](ctx, c, call{method: http.MethodGet, path: gitSourcePath(name) + "/history", query: q})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// PinGitSource activates commit in environment env of a source.
func (c *Client) PinGitSource(ctx context.Context, name, env, commit string) (*unet.GitSyncEntry, error) {
	return fetch[unet.GitSyncEntry](ctx, c, call{method: http.MethodPost, path: gitSourcePath(name) + "/pin",
		body: GitPinRequest{Env: env, Commit: commit}})
}

// UnpinGitSource makes environment env follow its branch again; the sync that
// follows is returned even when it fails.
func (c *Client) UnpinGitSource(ctx context.Context, name, env string) (*unet.GitSyncResult, error) {
	var res unet.GitSyncResult
	got, err := c.doGit(ctx, call{method: http.MethodPost, path: gitSourcePath(name) + "/unpin", body: GitUnpinRequest{Env: env}}, &res)
	if !got {
		return nil, err
	}
	return &res, err
}

// PromoteGitSource promotes environment from's active commit to environment
// to; a conflict returns the result listing the files together with the
// error.
func (c *Client) PromoteGitSource(ctx context.Context, name, from, to, prefer string) (*unet.GitPromoteResult, error) {
	var res unet.GitPromoteResult
	got, err := c.doGit(ctx, call{method: http.MethodPost, path: gitSourcePath(name) + "/promote",
		body: GitPromoteRequest{From: from, To: to, Prefer: prefer}}, &res)
	if !got {
		return nil, err
	}
	return &res, err
}

// PromoteGit promotes, or proposes the promotion as a change set (Kind
// proposed, answered 202) when an approval rule covers it or req.Propose
// asks.
func (c *Client) PromoteGit(ctx context.Context, req unet.GitPromoteRequest) (*unet.GitPromoteResult, error) {
	var res unet.GitPromoteResult
	got, err := c.doGit(ctx, call{method: http.MethodPost, path: gitSourcePath(req.Source) + "/promote",
		body: GitPromoteRequest{From: req.From, To: req.To, Prefer: req.Prefer, Propose: req.Propose, Emergency: req.Emergency, Reason: req.Reason}}, &res)
	if !got {
		return nil, err
	}
	return &res, err
}

// ExportInventoryToGit commits the server's inventory into a Git source as
// the actor and pushes it.
func (c *Client) ExportInventoryToGit(ctx context.Context, req unet.GitExportRequest) (*unet.GitExportResult, error) {
	return fetch[unet.GitExportResult](ctx, c, call{method: http.MethodPost, path: gitSourcePath(req.Source) + "/export",
		body: GitExportRequest{Env: req.Environment, Dir: req.Dir, Message: req.Message}})
}

// doGit performs a call whose answer is decoded into out, either from a
// success body or from the "result" member of a problem document (see
// GitProblem). got reports whether out was filled; err is the call's error.
func (c *Client) doGit(ctx context.Context, k call, out any) (got bool, err error) {
	resp, err := c.send(ctx, k)
	if err != nil {
		return false, err
	}
	// The body is only read: closing it releases the connection and loses
	// nothing.
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return false, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("unreadable answer from μNet server %s (%s %s): %v", c.base, k.method, k.path, err), Err: err}
	}
	if resp.StatusCode < 400 {
		if err := json.Unmarshal(data, out); err != nil {
			return false, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("unreadable answer from μNet server %s (%s %s): %v", c.base, k.method, k.path, err), Err: err}
		}
		return true, nil
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && mt == ProblemContentType {
		var p struct {
			Result json.RawMessage `json:"result"`
		}
		if json.Unmarshal(data, &p) == nil && len(p.Result) > 0 && string(p.Result) != "null" && json.Unmarshal(p.Result, out) == nil {
			got = true
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return got, c.problem(resp)
}
