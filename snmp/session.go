package snmp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/gosnmp/gosnmp"
)

// Target is one device to poll.
type Target struct {
	// ID identifies the target for the caller (a node ID); results carry it.
	ID string `json:"id"`
	// Name is a human label used in messages (a node name).
	Name string `json:"name,omitempty"`
	// Host is the management address (IP or DNS name).
	Host string `json:"host"`
	// Port overrides the profile's port when not zero.
	Port uint16 `json:"port,omitempty"`
	// Community overrides the profile's community reference when set; it
	// lets one v2c profile serve agents that differ only by community
	// (snmpsim devices, per-site communities).
	CommunityRef string `json:"community_ref,omitempty"`
	// Interval overrides the scheduler interval for this target when not zero.
	Interval time.Duration `json:"interval,omitempty"`
}

// addr returns "host:port" for messages.
func (t Target) addr(p Profile) string {
	port := t.Port
	if port == 0 {
		port = p.Port
	}
	return net.JoinHostPort(t.Host, strconv.Itoa(int(port)))
}

func gosnmpAuth(p AuthProto) gosnmp.SnmpV3AuthProtocol {
	switch p {
	case AuthMD5:
		return gosnmp.MD5
	case AuthSHA:
		return gosnmp.SHA
	case AuthSHA224:
		return gosnmp.SHA224
	case AuthSHA256:
		return gosnmp.SHA256
	case AuthSHA384:
		return gosnmp.SHA384
	case AuthSHA512:
		return gosnmp.SHA512
	}
	return gosnmp.NoAuth
}

func gosnmpPriv(p PrivProto) gosnmp.SnmpV3PrivProtocol {
	switch p {
	case PrivDES:
		return gosnmp.DES
	case PrivAES:
		return gosnmp.AES
	case PrivAES192:
		return gosnmp.AES192
	case PrivAES256:
		return gosnmp.AES256
	}
	return gosnmp.NoPriv
}

// newSession resolves the profile's credentials with secrets and returns an
// unconnected gosnmp session bound to ctx. p must have its defaults applied.
func newSession(ctx context.Context, secrets SecretResolver, t Target, p Profile) (*gosnmp.GoSNMP, error) {
	if secrets == nil {
		return nil, errors.New("no secret resolver is configured")
	}
	port := t.Port
	if port == 0 {
		port = p.Port
	}
	g := &gosnmp.GoSNMP{
		Target:             t.Host,
		Port:               port,
		Transport:          "udp",
		Context:            ctx,
		Timeout:            p.Timeout,
		Retries:            p.Retries,
		ExponentialTimeout: false,
		MaxOids:            gosnmp.MaxOids,
	}
	switch p.Version {
	case V2c:
		ref := p.CommunityRef
		if t.CommunityRef != "" {
			ref = t.CommunityRef
		}
		c, err := secrets.Resolve(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("community: %w", err)
		}
		g.Version = gosnmp.Version2c
		g.Community = c.Reveal()
	case V3:
		usm := &gosnmp.UsmSecurityParameters{
			UserName:               p.User,
			AuthenticationProtocol: gosnmpAuth(p.AuthProto),
			PrivacyProtocol:        gosnmpPriv(p.PrivProto),
		}
		g.MsgFlags = gosnmp.NoAuthNoPriv
		if p.AuthProto != AuthNone {
			k, err := secrets.Resolve(ctx, p.AuthKeyRef)
			if err != nil {
				return nil, fmt.Errorf("auth key: %w", err)
			}
			usm.AuthenticationPassphrase = k.Reveal()
			g.MsgFlags = gosnmp.AuthNoPriv
		}
		if p.PrivProto != PrivNone {
			k, err := secrets.Resolve(ctx, p.PrivKeyRef)
			if err != nil {
				return nil, fmt.Errorf("privacy key: %w", err)
			}
			usm.PrivacyPassphrase = k.Reveal()
			g.MsgFlags = gosnmp.AuthPriv
		}
		g.Version = gosnmp.Version3
		g.SecurityModel = gosnmp.UserSecurityModel
		g.SecurityParameters = usm
	default:
		return nil, fmt.Errorf("unknown SNMP version %q", string(p.Version))
	}
	return g, nil
}
