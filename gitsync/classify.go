package gitsync

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"golang.org/x/crypto/ssh/knownhosts"
)

// remoteError wraps err from talking to the remote in a RemoteError and
// classifies it: credentials, a missing repository and client errors are
// permanent; network failures, timeouts and server errors are retryable.
func remoteError(source, op string, err error) error {
	if err == nil {
		return nil
	}
	return &RemoteError{Source: source, Op: op, Retryable: retryable(err), Err: err}
}

func retryable(err error) bool {
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, transport.ErrRepositoryNotFound),
		errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod),
		errors.Is(err, errSecret):
		return false
	}
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	if errors.As(err, &ke) || errors.As(err, &re) {
		return false // host key not known or changed: never retry blindly
	}
	if strings.Contains(err.Error(), "ssh: unable to authenticate") {
		return false
	}
	var he *githttp.Err
	if errors.As(err, &he) {
		code := he.StatusCode()
		return code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests
	}
	return true
}
