package configtree

import (
	"bufio"
	"errors"
	"io"
)

// Scanner reads a configuration as a stream of Events.
type Scanner struct {
	src       source
	dialect   string
	detection *Detection
}

// NewScanner returns a Scanner for r in the given dialect. With "auto" (or
// "generic") the dialect is detected from the first DetectSampleSize bytes;
// Detection tells what was chosen. "junos" input that is in set format is
// read as "junos-set" (and reported in Detection).
func NewScanner(r io.Reader, dialect string) (*Scanner, error) {
	d, err := NormalizeDialect(dialect)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	s := &Scanner{dialect: d}
	if d == DialectAuto || d == DialectJunos {
		sample, err := br.Peek(DetectSampleSize)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		det := Detect(sample)
		switch {
		case d == DialectAuto:
			s.detection = &det
			s.dialect = det.Dialect
		case det.Dialect == DialectJunosSet:
			// JunOS devices show either rendering; both slice the same way.
			det.Reason = "junos input in set format: " + det.Reason
			s.detection = &det
			s.dialect = DialectJunosSet
		}
	}
	lr := newLineReader(br)
	switch s.dialect {
	case DialectJunos:
		s.src = newJunosSource(lr)
	case DialectJunosSet:
		s.src = &setSource{lr: lr}
	case DialectFlat:
		s.src = &flatSource{lr: lr}
	case DialectFortiOS:
		s.src = &fortiosSource{lr: lr}
	case DialectSROS, DialectRADETX:
		s.src = newExitSource(lr, s.dialect)
	case DialectOnyx:
		s.src = &onyxSource{lr: lr}
	case DialectComware, DialectPANOS, DialectEXOS, DialectRouterOS, DialectNetIron:
		s.src = newVendorSource(lr, s.dialect)
	default:
		s.src = newIndentSource(lr, s.dialect)
	}
	return s, nil
}

// Dialect is the dialect being parsed (the detected one for "auto").
func (s *Scanner) Dialect() string { return s.dialect }

// Detection reports the automatic detection, or nil when the dialect was
// given explicitly.
func (s *Scanner) Detection() *Detection { return s.detection }

// Next returns the next event, or io.EOF after the last one. Errors carry
// the line number ("line N: ...").
func (s *Scanner) Next() (Event, error) {
	return s.src.next()
}
