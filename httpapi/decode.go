package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/unet-dev/unet"
)

// decodeBody decodes a JSON request body strictly into v: the media type must
// be JSON, unknown fields, wrong types and trailing data are refused with 400,
// a body over the route's limit with 413.
func decodeBody(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return statusError(http.StatusUnsupportedMediaType, unet.EINVALID,
				"unsupported Content-Type "+ct+": send application/json")
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return bodyError(err)
		}
		return statusError(http.StatusBadRequest, unet.EINVALID, "invalid request body: unexpected data after the JSON value")
	}
	return nil
}

// bodyError describes a decoding failure for the client.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return statusError(http.StatusRequestEntityTooLarge, unet.EINVALID,
			fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit))
	case errors.Is(err, io.EOF):
		return statusError(http.StatusBadRequest, unet.EINVALID, "request body is empty: send a JSON document")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return statusError(http.StatusBadRequest, unet.EINVALID, "invalid request body: unexpected end of JSON")
	case errors.As(err, &syn):
		return statusError(http.StatusBadRequest, unet.EINVALID,
			fmt.Sprintf("invalid request body: JSON syntax error at byte %d: %v", syn.Offset, syn))
	case errors.As(err, &typ):
		return statusError(http.StatusBadRequest, unet.EINVALID, "invalid request body",
			unet.FieldError{Field: jsonField(typ.Field), Message: "must be " + jsonType(typ.Type.Kind().String()) + ", not " + typ.Value})
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return statusError(http.StatusBadRequest, unet.EINVALID, "invalid request body",
			unet.FieldError{Field: strings.Trim(f, `"`), Message: "unknown field"})
	}
	return statusError(http.StatusBadRequest, unet.EINVALID, "invalid request body: "+err.Error())
}

func jsonType(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "map", goKind == "struct":
		return "an object"
	case goKind == "slice", goKind == "array":
		return "a list"
	case goKind == "bool":
		return "true or false"
	}
	return "a " + goKind
}

// jsonField drops the names of embedded Go structs (e.g. "Meta.") from the
// field path of a decoding error: JSON field names are lowercase.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && p[0] >= 'A' && p[0] <= 'Z' {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}
