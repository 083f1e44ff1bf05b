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

// usmStatsPrefix is the BER encoding of 1.3.6.1.6.3.15.1.1 (usmStats) as
// the OID of a variable binding: tag 06, length 10, then the sub-identifiers.
const usmStatsPrefix = "\x06\x0a\x2b\x06\x01\x06\x03\x0f\x01\x01"

// usmReportError maps the usmStats object of a Report PDU
// (1.3.6.1.6.3.15.1.1.n.0) to gosnmp's error for it.
func usmReportError(n byte) error {
	switch n {
	case 1:
		return gosnmp.ErrUnknownSecurityLevel
	case 2:
		return gosnmp.ErrNotInTimeWindow
	case 3:
		return gosnmp.ErrUnknownUsername
	case 4:
		return gosnmp.ErrUnknownEngineID
	case 5:
		return gosnmp.ErrWrongDigest
	case 6:
		return gosnmp.ErrDecryption
	}
	return gosnmp.ErrUnknownReportPDU
}

// diagnoseAuth turns gosnmp's generic "not authentic" error into the USM
// report the agent actually sent, when the last datagram holds one.
func diagnoseAuth(err error, conn *recordingConn) error {
	if err == nil || conn == nil || !strings.Contains(err.Error(), "not authentic") {
		return err
	}
	i := bytes.Index(conn.last, []byte(usmStatsPrefix))
	if i < 0 || i+len(usmStatsPrefix)+1 >= len(conn.last) || conn.last[i+len(usmStatsPrefix)+1] != 0 {
		return &PollError{Kind: KindAuth, Op: "poll", Err: err, Hint: "the agent's answer failed authentication: check auth_proto and the auth key"}
	}
	return usmReportError(conn.last[i+len(usmStatsPrefix)])
}
