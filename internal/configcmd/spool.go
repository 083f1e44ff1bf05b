package configcmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// spoolMemory is how much output a spool keeps in memory before it moves to
// a temporary file.
const spoolMemory = 8 << 20

// spool holds a command's output until the command has succeeded: in memory
// up to spoolMemory bytes, in a temporary file beyond, so that a
// configuration whose error is on its last line writes nothing to standard
// output (no partial slice a script could take for the whole) and memory
// stays bounded whatever the size of the output.
type spool struct {
	mem  bytes.Buffer
	file *os.File
}

// Write appends p to the spool.
func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) <= spoolMemory {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "unet-config-*.out")
		if err != nil {
			return 0, fmt.Errorf("spool output: %w", err)
		}
		s.file = f
		if _, err := s.mem.WriteTo(f); err != nil {
			return 0, fmt.Errorf("spool output: %w", err)
		}
	}
	n, err := s.file.Write(p)
	if err != nil {
		return n, fmt.Errorf("spool output: %w", err)
	}
	return n, nil
}

// WriteTo copies everything written to w.
func (s *spool) WriteTo(w io.Writer) (int64, error) {
	if s.file == nil {
		return s.mem.WriteTo(w)
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("spool output: %w", err)
	}
	return io.Copy(w, s.file)
}

// Close removes the temporary file, if any.
func (s *spool) Close() error {
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	return errors.Join(s.file.Close(), os.Remove(name))
}
