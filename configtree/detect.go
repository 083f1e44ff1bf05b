package configtree

import (
	"bytes"
	"fmt"
)

// Detection reports which dialect "auto" chose and why.
type Detection struct {
	Dialect string `json:"dialect"`
	Reason  string `json:"reason"`
}

// DetectSampleSize is how many leading bytes of a configuration Detect looks
// at when parsing with dialect "auto".
const DetectSampleSize = 64 << 10

// Detect guesses the dialect of a configuration from its leading bytes. The
// rules are checked in order; the first that fires wins:
//
//  1. most statements start with set/delete/deactivate → junos-set
//  2. lines ending in "{" and lines that are "}" → junos
//  3. an "!! IOS XR" header, "end-policy"/"end-set", or IOS-XR style
//     four-part interface names → iosxr
//  4. "!Command:"/"!Time:" headers, "feature " statements or "version N.N(N)"
//     with "Bios" → nxos
//  5. "! device:" header, "daemon TerminAttr", "management api" → eos
//  6. any indented statement → ios
//  7. otherwise → flat
func Detect(sample []byte) Detection {
	var (
		lines, set, open, close, xr, nx, eos, indented int
		firstXR, firstNX, firstEOS                     string
	)
	for len(sample) > 0 {
		var line []byte
		if i := bytes.IndexByte(sample, '\n'); i >= 0 {
			line, sample = sample[:i], sample[i+1:]
		} else {
			line, sample = sample, nil
		}
		line = trimRight(line)
		ind := indentOf(line)
		c := line[ind:]
		if len(c) == 0 {
			continue
		}
		switch {
		case bytes.HasPrefix(c, []byte("!! IOS XR")), bytes.Equal(c, []byte("end-policy")), bytes.Equal(c, []byte("end-set")),
			bytes.HasPrefix(c, []byte("interface Bundle-Ether")), bytes.HasPrefix(c, []byte("interface TenGigE")),
			bytes.HasPrefix(c, []byte("interface HundredGigE")), bytes.HasPrefix(c, []byte("interface MgmtEth")):
			xr++
			if firstXR == "" {
				firstXR = string(c)
			}
		case bytes.HasPrefix(c, []byte("!Command:")), bytes.HasPrefix(c, []byte("!Time:")), ind == 0 && bytes.HasPrefix(c, []byte("feature ")),
			bytes.HasPrefix(c, []byte("version ")) && bytes.Contains(c, []byte("Bios")):
			nx++
			if firstNX == "" {
				firstNX = string(c)
			}
		case bytes.HasPrefix(c, []byte("! device:")), bytes.HasPrefix(c, []byte("daemon TerminAttr")), bytes.HasPrefix(c, []byte("management api")):
			eos++
			if firstEOS == "" {
				firstEOS = string(c)
			}
		}
		if c[0] == '!' || c[0] == '#' {
			continue
		}
		lines++
		if len(setKey(c)) != len(c) {
			set++
		}
		if c[len(c)-1] == '{' {
			open++
		}
		if bytes.Equal(c, []byte("}")) {
			close++
		}
		if ind > 0 {
			indented++
		}
	}
	switch {
	case lines > 0 && set*2 > lines:
		return Detection{DialectJunosSet, fmt.Sprintf("%d of %d statements are set/delete/deactivate commands", set, lines)}
	case open > 0 && close > 0:
		return Detection{DialectJunos, fmt.Sprintf("%d lines open a block with \"{\" and %d close one with \"}\"", open, close)}
	case xr > 0:
		return Detection{DialectIOSXR, fmt.Sprintf("IOS-XR marker %q", firstXR)}
	case nx > 0:
		return Detection{DialectNXOS, fmt.Sprintf("NX-OS marker %q", firstNX)}
	case eos > 0:
		return Detection{DialectEOS, fmt.Sprintf("EOS marker %q", firstEOS)}
	case indented > 0:
		return Detection{DialectIOS, fmt.Sprintf("%d indented statements and no vendor-specific marker: IOS-style hierarchy", indented)}
	}
	return Detection{DialectFlat, "no indentation, braces or set commands: flat list of statements"}
}
