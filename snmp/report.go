package snmp

import (
	"bytes"
	"net"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// recordingConn remembers the last datagram read from the agent. gosnmp
// rejects the unauthenticated Report PDUs an agent sends back for a wrong
// key or user ("incoming packet is not authentic") without saying which
// report it was; the recorded datagram tells.
type recordingConn struct {
	net.Conn
	last []byte
}

// Read implements net.Conn, keeping a reference to what was read. The
// reference is only valid until the next Read, which is all diagnosis needs.
func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.last = p[:n]
	}
	return n, err
}

// usmStatsPrefix is the BER encoding of 1.3.6.1.6.3.15.1.1 (usmStats).
var usmStatsPrefix = []byte{0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x0f, 0x01, 0x01}

// usmReportErrors maps the usmStats object in a Report PDU to gosnmp's error.
var usmReportErrors = map[byte]error{
	1: gosnmp.ErrUnknownSecurityLevel,
	2: gosnmp.ErrNotInTimeWindow,
	3: gosnmp.ErrUnknownUsername,
	4: gosnmp.ErrUnknownEngineID,
	5: gosnmp.ErrWrongDigest,
	6: gosnmp.ErrDecryption,
}

// diagnoseAuth turns gosnmp's generic "not authentic" error into the USM
// report the agent actually sent, when the last datagram holds one.
func diagnoseAuth(err error, conn *recordingConn) error {
	if err == nil || conn == nil || !strings.Contains(err.Error(), "not authentic") {
		return err
	}
	i := bytes.Index(conn.last, usmStatsPrefix)
	if i < 0 || i+len(usmStatsPrefix)+1 >= len(conn.last) || conn.last[i+len(usmStatsPrefix)+1] != 0 {
		return &PollError{Kind: KindAuth, Op: "poll", Err: err, Hint: "the agent's answer failed authentication: check auth_proto and the auth key"}
	}
	if known, ok := usmReportErrors[conn.last[i+len(usmStatsPrefix)]]; ok {
		return known
	}
	return gosnmp.ErrUnknownReportPDU
}
