package configtree

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// MaxLineLength is the longest physical line accepted in a configuration,
// and the largest banner body or multi-line JunOS statement.
const MaxLineLength = 1 << 20

// MaxDepth is the deepest statement nesting accepted.
const MaxDepth = 1000

// lineReader yields physical lines without their line terminator and without
// trailing whitespace. The returned slice is valid until the next call.
type lineReader struct {
	br   *bufio.Reader
	long []byte
	line int
}

func newLineReader(r io.Reader) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &lineReader{br: br}
}

// next returns the next line, or io.EOF when the input is exhausted.
func (lr *lineReader) next() ([]byte, error) {
	b, err := lr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = lr.br.ReadSlice('\n')
			if len(lr.long)+len(b) > MaxLineLength {
				return nil, fmt.Errorf("line %d: longer than %d bytes", lr.line+1, MaxLineLength)
			}
			lr.long = append(lr.long, b...)
		}
		b = lr.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line %d: %w", lr.line+1, err)
	}
	if len(b) == 0 && err != nil {
		return nil, io.EOF
	}
	lr.line++
	return trimRight(b), nil
}

// trimRight removes trailing spaces, tabs, carriage returns and newlines.
func trimRight(b []byte) []byte {
	n := len(b)
	for n > 0 {
		switch b[n-1] {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			n--
			continue
		}
		break
	}
	return b[:n]
}

// indentOf counts leading blanks (each space or tab counts as one column).
func indentOf(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}
