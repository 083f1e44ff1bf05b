package sqlstore

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// rowScanner is what *sql.Row and *sql.Rows offer.
type rowScanner interface {
	Scan(dest ...any) error
}

// encodeJSON is the stored JSON form of v. A value that has none (a NaN, a
// channel) is refused: storing "null" in its place would lose the data.
func encodeJSON(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", &unet.Error{Code: unet.EINVALID, Message: fmt.Sprintf("%s cannot be stored as JSON: %v", what, err), Err: err}
	}
	return string(b), nil
}

// metaJSON is the stored JSON form of an object's custom data and tags.
func metaJSON(m *unet.Meta) (customData, tags string, err error) {
	if customData, err = encodeJSON("custom data", m.CustomData); err != nil {
		return "", "", err
	}
	if tags, err = encodeJSON("tags", m.Tags); err != nil {
		return "", "", err
	}
	return customData, tags, nil
}

// metaCols are the columns of unet.Meta, in scan order.
const metaCols = "id, custom_data, tags, version, created_at, updated_at"

// metaScan collects the text forms of Meta while scanning and decodes them after.
type metaScan struct {
	custom, tags, created, updated string
}

func (ms *metaScan) dest(m *unet.Meta) []any {
	return []any{&m.ID, &ms.custom, &ms.tags, &m.Version, &ms.created, &ms.updated}
}

func (ms *metaScan) finish(m *unet.Meta) error {
	m.CreatedAt = parseTime(ms.created)
	m.UpdatedAt = parseTime(ms.updated)
	// Most objects have neither custom data nor tags: their stored "{}" and
	// "[]" need no decoder (the empty values are set below).
	if !emptyJSON(ms.custom) {
		if err := json.Unmarshal([]byte(ms.custom), &m.CustomData); err != nil {
			return fmt.Errorf("decode custom_data of %s: %w", m.ID, err)
		}
	}
	if !emptyJSON(ms.tags) {
		if err := json.Unmarshal([]byte(ms.tags), &m.Tags); err != nil {
			return fmt.Errorf("decode tags of %s: %w", m.ID, err)
		}
	}
	if m.CustomData == nil {
		m.CustomData = map[string]any{}
	}
	if m.Tags == nil {
		m.Tags = []string{}
	}
	return nil
}

// emptyJSON reports whether a stored JSON text is an empty object or array,
// or null.
func emptyJSON(s string) bool {
	return s == "{}" || s == "[]" || s == "null"
}

// nullable turns "" into SQL NULL (for optional foreign keys).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// notFound converts sql.ErrNoRows into a not_found error.
func notFound(err error, kind, ref string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return unet.Errorf(unet.ENOTFOUND, "%s %q not found", kind, ref)
	}
	return err
}

// where builds a WHERE clause with numbered placeholders.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	// Placeholders in cond are written as ? and numbered here.
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Cursors are opaque to clients: base64 of the sort key and the ID of the last
// row of the previous page.
func encodeCursor(key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key + "\x00" + id))
}

func decodeCursor(c string) (key, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", unet.Errorf(unet.EINVALID, "bad cursor %q", c)
	}
	key, id, ok := strings.Cut(string(b), "\x00")
	if !ok {
		return "", "", unet.Errorf(unet.EINVALID, "bad cursor %q", c)
	}
	return key, id, nil
}

// DefaultLimit and MaxLimit bound list pages.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// pageClause applies keyset (cursor) or offset pagination ordered by sortCol, id
// (both descending with desc). It returns the SQL tail (ORDER/LIMIT/OFFSET) and
// the effective limit.
func pageClause(w *where, p unet.Page, sortCol, idCol string, desc bool) (string, int, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	if p.Offset < 0 {
		return "", 0, unet.Errorf(unet.EINVALID, "offset must not be negative")
	}
	if p.Cursor != "" {
		if p.Offset != 0 {
			return "", 0, unet.Errorf(unet.EINVALID, "use either cursor or offset, not both")
		}
		key, id, err := decodeCursor(p.Cursor)
		if err != nil {
			return "", 0, err
		}
		cmp := ">"
		if desc {
			cmp = "<"
		}
		w.add(fmt.Sprintf("(%s %s ? OR (%s = ? AND %s %s ?))", sortCol, cmp, sortCol, idCol, cmp), key, key, id)
	}
	order := ""
	if desc {
		order = " DESC"
	}
	tail := fmt.Sprintf(" ORDER BY %s%s, %s%s LIMIT %d", sortCol, order, idCol, order, limit+1)
	if p.Offset > 0 {
		tail += fmt.Sprintf(" OFFSET %d", p.Offset)
	}
	return tail, limit, nil
}

// parseOptionalDuration parses a duration where empty means zero (not set).
func parseOptionalDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

// Cursor returns the list cursor that continues after the item with sort
// key key and ID id (the form the list methods return in Next), for pages
// assembled outside SQL.
func Cursor(key, id string) string { return encodeCursor(key, id) }
