package testutil

import (
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

func v3Session(s *SNMPD, u SNMPUser) *gosnmp.GoSNMP {
	auth := map[string]gosnmp.SnmpV3AuthProtocol{"SHA": gosnmp.SHA, "SHA-256": gosnmp.SHA256, "SHA-512": gosnmp.SHA512}
	priv := map[string]gosnmp.SnmpV3PrivProtocol{"": gosnmp.NoPriv, "AES": gosnmp.AES, "AES-192": gosnmp.AES192, "AES-256": gosnmp.AES256}
	flags := gosnmp.AuthNoPriv
	if u.PrivProto != "" {
		flags = gosnmp.AuthPriv
	}
	return &gosnmp.GoSNMP{
		Target: s.Host, Port: s.Port, Version: gosnmp.Version3, Timeout: time.Second,
		SecurityModel: gosnmp.UserSecurityModel, MsgFlags: flags,
		SecurityParameters: &gosnmp.UsmSecurityParameters{
			UserName:                 u.Name,
			AuthenticationProtocol:   auth[u.AuthProto],
			AuthenticationPassphrase: u.AuthKey,
			PrivacyProtocol:          priv[u.PrivProto],
			PrivacyPassphrase:        u.PrivKey,
		},
	}
}

func getSysName(t *testing.T, g *gosnmp.GoSNMP) string {
	t.Helper()
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = g.Conn.Close() }()
	pkt, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"})
	if err != nil {
		t.Fatalf("get sysName: %v", err)
	}
	v, _ := pkt.Variables[0].Value.([]byte)
	return string(v)
}

func TestStartSNMPD(t *testing.T) {
	s := StartSNMPD(t)
	if s.Port == 0 || !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("unexpected address %s", s.Addr())
	}
	v2 := &gosnmp.GoSNMP{Target: s.Host, Port: s.Port, Community: s.Community, Version: gosnmp.Version2c, Timeout: time.Second}
	if got := getSysName(t, v2); got != SNMPSysName {
		t.Errorf("v2c sysName = %q, want %q", got, SNMPSysName)
	}
	for _, u := range s.Users {
		t.Run(u.Name, func(t *testing.T) {
			if got := getSysName(t, v3Session(s, u)); got != SNMPSysName {
				t.Errorf("v3 %s sysName = %q, want %q", u.Name, got, SNMPSysName)
			}
		})
	}
}

func TestSNMPDPauseResume(t *testing.T) {
	s := StartSNMPD(t)
	s.Pause(t)
	g := &gosnmp.GoSNMP{Target: s.Host, Port: s.Port, Community: s.Community, Version: gosnmp.Version2c, Timeout: 200 * time.Millisecond}
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = g.Conn.Close() }()
	if _, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"}); err == nil {
		t.Fatal("paused agent answered")
	}
	s.Resume(t)
	g.Timeout = 2 * time.Second
	if _, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"}); err != nil {
		t.Fatalf("resumed agent does not answer: %v", err)
	}
}

func TestSilentUDP(t *testing.T) {
	host, port := SilentUDP(t)
	g := &gosnmp.GoSNMP{Target: host, Port: port, Community: "x", Version: gosnmp.Version2c, Timeout: 100 * time.Millisecond}
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = g.Conn.Close() }()
	start := time.Now()
	_, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"})
	if err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("want a timeout, got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("timeout took %s", time.Since(start))
	}
}
