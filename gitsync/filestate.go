package gitsync

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// FileStateStore is a StateStore keeping each source's state in
// DIR/NAME.state.json (replaced atomically by writing a temporary file and
// renaming it) and its history in DIR/NAME.history.jsonl (one JSON object
// per line, appended).
type FileStateStore struct {
	dir        string
	maxHistory int
	mu         sync.Mutex
}

// NewFileStateStore returns a store in dir (created when missing) that keeps
// at most maxHistory history entries per source (<= 0: 1000).
func NewFileStateStore(dir string, maxHistory int) (*FileStateStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	if maxHistory <= 0 {
		maxHistory = 1000
	}
	return &FileStateStore{dir: dir, maxHistory: maxHistory}, nil
}

func (f *FileStateStore) statePath(source string) string {
	return filepath.Join(f.dir, source+".state.json")
}

func (f *FileStateStore) historyPath(source string) string {
	return filepath.Join(f.dir, source+".history.jsonl")
}

// LoadState implements StateStore.
func (f *FileStateStore) LoadState(ctx context.Context, source string) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	data, err := os.ReadFile(f.statePath(source))
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("read state of source %s: %w", source, err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return State{}, fmt.Errorf("decode state of source %s: %w", source, err)
	}
	return st, nil
}

// SaveState implements StateStore.
func (f *FileStateStore) SaveState(ctx context.Context, source string, st State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state of source %s: %w", source, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return writeFileAtomic(f.statePath(source), append(data, '\n'))
}

// AppendHistory implements StateStore.
func (f *FileStateStore) AppendHistory(ctx context.Context, source string, entries ...HistoryEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode history of source %s: %w", source, err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	lines, err := f.readLines(source)
	if err != nil {
		return err
	}
	if len(lines)+len(entries) > f.maxHistory {
		// Rewrite the file with the newest entries only.
		keep := max(f.maxHistory-len(entries), 0)
		lines = lines[len(lines)-min(keep, len(lines)):]
		var all bytes.Buffer
		for _, l := range lines {
			all.Write(l)
			all.WriteByte('\n')
		}
		all.Write(buf.Bytes())
		return writeFileAtomic(f.historyPath(source), all.Bytes())
	}
	fh, err := os.OpenFile(f.historyPath(source), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open history of source %s: %w", source, err)
	}
	if _, err := fh.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("append history of source %s: %w", source, errors.Join(err, fh.Close()))
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("append history of source %s: %w", source, err)
	}
	return nil
}

// History implements StateStore.
func (f *FileStateStore) History(ctx context.Context, source string, limit int) ([]HistoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	lines, err := f.readLines(source)
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := make([]HistoryEntry, 0, len(lines))
	for i := len(lines) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		var e HistoryEntry
		if err := json.Unmarshal(lines[i], &e); err != nil {
			return nil, fmt.Errorf("decode history of source %s, entry %d: %w", source, i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func (f *FileStateStore) readLines(source string) ([][]byte, error) {
	data, err := os.ReadFile(f.historyPath(source))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history of source %s: %w", source, err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, append([]byte(nil), l...))
		}
	}
	return lines, sc.Err()
}

// writeFileAtomic replaces path with data: readers see the old or the new
// content, never a partial file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		// Best-effort cleanup of the temporary file: the write already failed.
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", filepath.Base(path), werr)
	}
	return nil
}
