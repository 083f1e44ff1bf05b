package snmp

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/unet-dev/unet/secret"
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

var authProtos = map[AuthProto]gosnmp.SnmpV3AuthProtocol{
	AuthNone:   gosnmp.NoAuth,
	AuthMD5:    gosnmp.MD5,
	AuthSHA:    gosnmp.SHA,
	AuthSHA224: gosnmp.SHA224,
	AuthSHA256: gosnmp.SHA256,
	AuthSHA384: gosnmp.SHA384,
	AuthSHA512: gosnmp.SHA512,
}

var privProtos = map[PrivProto]gosnmp.SnmpV3PrivProtocol{
	PrivNone:   gosnmp.NoPriv,
	PrivDES:    gosnmp.DES,
	PrivAES:    gosnmp.AES,
	PrivAES192: gosnmp.AES192,
	PrivAES256: gosnmp.AES256,
}

// newSession resolves the profile's credentials and returns an unconnected
// gosnmp session bound to ctx. p must have its defaults applied.
func newSession(ctx context.Context, t Target, p Profile) (*gosnmp.GoSNMP, error) {
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
		c, err := secret.Resolve(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("community: %w", err)
		}
		g.Version = gosnmp.Version2c
		g.Community = c.Reveal()
	case V3:
		usm := &gosnmp.UsmSecurityParameters{
			UserName:               p.User,
			AuthenticationProtocol: authProtos[p.AuthProto],
			PrivacyProtocol:        privProtos[p.PrivProto],
		}
		g.MsgFlags = gosnmp.NoAuthNoPriv
		if p.AuthProto != AuthNone {
			k, err := secret.Resolve(ctx, p.AuthKeyRef)
			if err != nil {
				return nil, fmt.Errorf("auth key: %w", err)
			}
			usm.AuthenticationPassphrase = k.Reveal()
			g.MsgFlags = gosnmp.AuthNoPriv
		}
		if p.PrivProto != PrivNone {
			k, err := secret.Resolve(ctx, p.PrivKeyRef)
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
