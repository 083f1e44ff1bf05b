package httpapi

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// engineLimited puts the engine limits in front of h: one of
// MaxEngineConcurrency slots, taken without waiting (503 with Retry-After
// when none is free) and before the body is read, so that waiting requests
// hold no request text; the normal read deadline for the body, even on
// long routes, so that a slow sender cannot keep a slot; and the
// MaxEngineResults budget of the evaluation, in the request's context.
func (s *Server) engineLimited(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		select {
		case s.engines <- struct{}{}:
			defer func() { <-s.engines }()
		default:
			w.Header().Set("Retry-After", "1")
			return statusError(http.StatusServiceUnavailable, unet.EUNAVAILABLE,
				fmt.Sprintf("the server is already running %d engine requests (max_engine_concurrency); retry later", cap(s.engines)))
		}
		// A writer without deadline support keeps the server's read
		// timeout, which is the same bound.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.opts.ReadTimeout))
		// The evaluation counts what it builds against max_engine_results.
		r = r.WithContext(unet.WithMaxEngineResults(r.Context(), s.opts.MaxEngineResults))
		return h(w, r)
	}
}

// evalLimited is engineLimited for GET /nodes/{ref}?eval=true, which runs an
// evaluation; the plain GET is not an engine request.
func (s *Server) evalLimited(h handlerFunc) handlerFunc {
	limited := s.engineLimited(h)
	return func(w http.ResponseWriter, r *http.Request) error {
		if eval, err := boolParam(r.URL.Query(), "eval"); err == nil && eval {
			return limited(w, r)
		}
		return h(w, r)
	}
}

// errTooLarge stops the measuring pass of writeEngineJSON.
var errTooLarge = errors.New("answer too large")

// responseTooLarge is the answer to an engine request whose answer would be
// larger than MaxEngineResponseBytes.
func (s *Server) responseTooLarge() error {
	return statusError(http.StatusUnprocessableEntity, unet.EINVALID, fmt.Sprintf(
		"the answer would be larger than %d bytes (max_engine_response_bytes): narrow the request (fewer nodes, one rule, fewer templates)",
		s.opts.MaxEngineResponseBytes))
}

// writeEngineJSON answers an engine request with v as JSON without holding
// the encoded answer in memory: a first pass measures it element by element,
// stopping as soon as it exceeds MaxEngineResponseBytes (then the answer is a
// 422 problem and nothing else was sent); the second pass streams it with its
// Content-Length.
func (s *Server) writeEngineJSON(w http.ResponseWriter, status int, v any) error {
	count := &jsonStream{w: io.Discard, limit: s.opts.MaxEngineResponseBytes}
	if err := count.value(reflect.ValueOf(v), true); err != nil {
		if errors.Is(err, errTooLarge) {
			return s.responseTooLarge()
		}
		return fmt.Errorf("encode answer: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.FormatInt(count.n, 10))
	w.WriteHeader(status)
	bw := bufio.NewWriterSize(w, 64<<10)
	out := &jsonStream{w: bw}
	if err := out.value(reflect.ValueOf(v), true); err != nil {
		// The status is sent: the connection is cut so that the client sees
		// a truncated answer, never a short valid one.
		panic(http.ErrAbortHandler)
	}
	if err := bw.Flush(); err != nil {
		// The status is sent; the client went away or stalled and can be
		// told nothing more.
		s.log.Debug("write engine response", slog.Any("error", err))
	}
	return nil
}

// jsonStream writes JSON the way encoding/json does (HTML characters left as
// they are), but a struct's list and map fields element by element, so that
// the largest piece held in memory is one element. A limit > 0 makes writes
// past it fail with errTooLarge.
type jsonStream struct {
	w     io.Writer
	n     int64
	limit int64
	buf   bytes.Buffer
}

func (js *jsonStream) raw(s string) error {
	js.n += int64(len(s))
	if js.limit > 0 && js.n > js.limit {
		return errTooLarge
	}
	_, err := io.WriteString(js.w, s)
	return err
}

// marshal writes v encoded by encoding/json.
func (js *jsonStream) marshal(v any) error {
	js.buf.Reset()
	enc := json.NewEncoder(&js.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b := bytes.TrimSuffix(js.buf.Bytes(), []byte("\n"))
	js.n += int64(len(b))
	if js.limit > 0 && js.n > js.limit {
		return errTooLarge
	}
	_, err := js.w.Write(b)
	return err
}

// value writes v; top says whether v is the answer itself, whose struct
// fields are streamed (one level deep: elements are encoded whole).
func (js *jsonStream) value(v reflect.Value, top bool) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return js.raw("null")
		}
		v = v.Elem()
	}
	if top && marshaler(v.Type()) {
		top = false
	}
	if v.Kind() == reflect.Struct && top && streamable(v.Type()) {
		return js.object(v)
	}
	if !v.CanInterface() {
		return fmt.Errorf("cannot encode %s", v.Type())
	}
	if top {
		switch v.Kind() {
		case reflect.Slice:
			if v.Type().Elem().Kind() != reflect.Uint8 {
				return js.list(v)
			}
		case reflect.Map:
			if v.Type().Key().Kind() == reflect.String {
				return js.dict(v)
			}
		}
	}
	return js.marshal(v.Interface())
}

// marshaler reports whether t (or *t) encodes itself.
func marshaler(t reflect.Type) bool {
	jm := reflect.TypeFor[json.Marshaler]()
	tm := reflect.TypeFor[encoding.TextMarshaler]()
	pt := reflect.PointerTo(t)
	return t.Implements(jm) || t.Implements(tm) || pt.Implements(jm) || pt.Implements(tm)
}

// streamable reports whether t's fields can be written one by one with the
// same result as encoding/json: no embedded fields, no ",string" option.
func streamable(t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous || strings.Contains(f.Tag.Get("json"), ",string") {
			return false
		}
	}
	return true
}

func (js *jsonStream) object(v reflect.Value) error {
	if err := js.raw("{"); err != nil {
		return err
	}
	first := true
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if slices.Contains(strings.Split(opts, ","), "omitempty") && emptyValue(fv) {
			continue
		}
		if !first {
			if err := js.raw(","); err != nil {
				return err
			}
		}
		first = false
		if err := js.marshal(name); err != nil {
			return err
		}
		if err := js.raw(":"); err != nil {
			return err
		}
		if err := js.value(fv, true); err != nil {
			return err
		}
	}
	return js.raw("}")
}

func (js *jsonStream) list(v reflect.Value) error {
	if v.IsNil() {
		return js.raw("null")
	}
	if err := js.raw("["); err != nil {
		return err
	}
	for i := range v.Len() {
		if i > 0 {
			if err := js.raw(","); err != nil {
				return err
			}
		}
		if err := js.value(v.Index(i), false); err != nil {
			return err
		}
	}
	return js.raw("]")
}

func (js *jsonStream) dict(v reflect.Value) error {
	if v.IsNil() {
		return js.raw("null")
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	if err := js.raw("{"); err != nil {
		return err
	}
	for i, k := range keys {
		if i > 0 {
			if err := js.raw(","); err != nil {
				return err
			}
		}
		if err := js.marshal(k.String()); err != nil {
			return err
		}
		if err := js.raw(":"); err != nil {
			return err
		}
		if err := js.value(v.MapIndex(k), false); err != nil {
			return err
		}
	}
	return js.raw("}")
}

// emptyValue is encoding/json's omitempty test.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
