package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
)

// crud describes one inventory kind with the usual five operations; crudRoutes
// turns it into routes, so every kind behaves the same way over HTTP.
type crud[T any, F any] struct {
	kind, plural string
	read, write  Permission
	ref          string // what a {ref} may be, for the documentation

	create  func(context.Context, *T, unet.WriteOptions) (*T, error)
	get     func(context.Context, string) (*T, error)
	list    func(context.Context, F) (*unet.List[T], error)
	update  func(context.Context, string, unet.Patch, unet.WriteOptions) (*T, error)
	del     func(context.Context, string, unet.DeleteOptions) error
	version func(*T) int
	id      func(*T) string

	filter       func(q url.Values) (F, error)
	filterParams []Param
	deleteParams []Param

	// getParams and getResult extend the single-object GET: extra query
	// parameters, and the answer built from the object (nil: the object).
	getParams []Param
	getResult func(r *http.Request, out *T) (any, error)
	getSchema any
	// getAt reconstructs the object at a point of the change log (GET
	// ?at=); nil when the kind has no history.
	getAt func(ctx context.Context, ref, at string) (*T, error)
}

func crudRoutes[T any, F any](s *Server, c crud[T, F]) []Route {
	var zero T
	base := BasePath + "/" + c.plural
	item := base + "/{ref}"
	title := upperFirst(c.kind)
	ref := refParam(c.ref)
	getParams := c.getParams
	getSummary := "Show a " + c.kind + " (ETag: its version; If-None-Match answers 304)"
	if c.getAt != nil {
		getParams = append(append([]Param{}, getParams...), atParam(c.kind))
		getSummary = "Show a " + c.kind + " (ETag: its version; If-None-Match answers 304), or with ?at= as it was then (no ETag)"
	}
	return []Route{
		{Method: http.MethodGet, Path: base, Permission: c.read, OperationID: "list" + upperFirst(c.plural), Tag: c.plural,
			Summary: "List " + c.plural + " (paginated, filtered)", Query: append(c.filterParams, pageParams()...),
			Status: http.StatusOK, Result: unet.List[T]{}, handle: func(w http.ResponseWriter, r *http.Request) error {
				f, err := c.filter(r.URL.Query())
				if err != nil {
					return err
				}
				l, err := c.list(r.Context(), f)
				if err != nil {
					return err
				}
				s.writeJSON(w, http.StatusOK, l)
				return nil
			}},
		{Method: http.MethodPost, Path: base, Permission: c.write, OperationID: "create" + title, Tag: c.plural,
			Summary: "Create a " + c.kind, Query: writeParams(), Body: zero,
			Status: http.StatusCreated, Result: zero, ETag: true, handle: func(w http.ResponseWriter, r *http.Request) error {
				in := new(T)
				if err := decodeBody(r, in); err != nil {
					return err
				}
				o, err := writeOptions(r.URL.Query())
				if err != nil {
					return err
				}
				out, err := c.create(r.Context(), in, o)
				if err != nil {
					return err
				}
				w.Header().Set("Location", base+"/"+url.PathEscape(c.id(out)))
				setETag(w, c.version(out))
				s.writeJSON(w, http.StatusCreated, out)
				return nil
			}},
		{Method: http.MethodGet, Path: item, Permission: c.read, OperationID: "get" + title, Tag: c.plural,
			Summary: getSummary, PathParams: ref, Query: getParams,
			Status: http.StatusOK, Result: getSchema(zero, c.getSchema), ETag: true, handle: func(w http.ResponseWriter, r *http.Request) error {
				if at, ok := atValue(r); ok && c.getAt != nil {
					return serveAt(s, w, r, at, c.getAt)
				}
				out, err := c.get(r.Context(), r.PathValue("ref"))
				if err != nil {
					return err
				}
				v := c.version(out)
				setETag(w, v)
				if noneMatch(r, v) {
					w.WriteHeader(http.StatusNotModified)
					return nil
				}
				var answer any = out
				if c.getResult != nil {
					if answer, err = c.getResult(r, out); err != nil {
						return err
					}
				}
				s.writeJSON(w, http.StatusOK, answer)
				return nil
			}},
		{Method: http.MethodPatch, Path: item, Permission: c.write, OperationID: "update" + title, Tag: c.plural,
			Summary:    "Update a " + c.kind + " with a JSON merge patch (RFC 7396); If-Match guards against lost updates",
			PathParams: ref, Query: writeParams(), Body: unet.Patch{}, Conditional: true,
			Status: http.StatusOK, Result: zero, ETag: true, handle: func(w http.ResponseWriter, r *http.Request) error {
				var p unet.Patch
				if err := decodeBody(r, &p); err != nil {
					return err
				}
				if p == nil {
					return statusError(http.StatusBadRequest, unet.EINVALID, "the body must be a JSON object (a merge patch)")
				}
				cond, err := s.ifMatch(r)
				if err != nil {
					return err
				}
				o, err := writeOptions(r.URL.Query())
				if err != nil {
					return err
				}
				o.IfVersion = cond.version
				refv := r.PathValue("ref")
				out, err := c.update(r.Context(), refv, p, o)
				if err != nil {
					return s.precondition(r.Context(), err, cond, func(ctx context.Context) (int, error) {
						cur, err := c.get(ctx, refv)
						if err != nil {
							return 0, err
						}
						return c.version(cur), nil
					})
				}
				setETag(w, c.version(out))
				s.writeJSON(w, http.StatusOK, out)
				return nil
			}},
		{Method: http.MethodDelete, Path: item, Permission: c.write, OperationID: "delete" + title, Tag: c.plural,
			Summary: "Delete a " + c.kind, PathParams: ref, Query: append(writeParams(), c.deleteParams...),
			Conditional: true, Status: http.StatusNoContent, handle: func(w http.ResponseWriter, r *http.Request) error {
				q := r.URL.Query()
				cascade, err := boolParam(q, "cascade")
				if err != nil {
					return err
				}
				emergency, err := boolParam(q, "emergency")
				if err != nil {
					return err
				}
				cond, err := s.ifMatch(r)
				if err != nil {
					return err
				}
				refv := r.PathValue("ref")
				err = c.del(r.Context(), refv, unet.DeleteOptions{IfVersion: cond.version, Reason: q.Get("reason"), Cascade: cascade,
					Emergency: emergency})
				if err != nil {
					return s.precondition(r.Context(), err, cond, func(ctx context.Context) (int, error) {
						cur, err := c.get(ctx, refv)
						if err != nil {
							return 0, err
						}
						return c.version(cur), nil
					})
				}
				w.WriteHeader(http.StatusNoContent)
				return nil
			}},
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

// getSchema is the documented answer of a GET: the object, or its extension.
func getSchema(zero, ext any) any {
	if ext != nil {
		return ext
	}
	return zero
}

// Filters: the same as the CLI's list flags.

func nodeFilter(q url.Values) (unet.NodeFilter, error) {
	p, err := page(q)
	if err != nil {
		return unet.NodeFilter{}, err
	}
	f := unet.NodeFilter{Vendor: q.Get("vendor"), Role: q.Get("role"), Platform: q.Get("platform"),
		Location: q.Get("location"), Lifecycle: q.Get("lifecycle"), Tag: q.Get("tag"),
		Environment: q.Get("environment"), Search: q.Get("search"), Compliance: q.Get("compliance"), Sort: q.Get("sort"), Page: p}
	if f.Compliance != "" && !slices.Contains(unet.NodeCompliances, f.Compliance) {
		return f, enumParamError("compliance", f.Compliance, unet.NodeCompliances, "")
	}
	if f.Sort != "" && !slices.Contains(unet.NodeSortKeys, strings.TrimPrefix(f.Sort, "-")) {
		return f, enumParamError("sort", f.Sort, unet.NodeSortKeys, " (with a leading - for descending)")
	}
	return f, nil
}

// enumParamError is the 400 answer to a query parameter whose value is not
// one of vals, with the parameter as the field in error.
func enumParamError(name, v string, vals []string, note string) error {
	msg := "must be one of " + strings.Join(vals, ", ") + note
	return statusError(http.StatusBadRequest, unet.EINVALID, "query parameter "+name+" "+msg+", not "+strconv.Quote(v),
		unet.FieldError{Field: name, Message: msg})
}

func locationFilter(q url.Values) (unet.LocationFilter, error) {
	p, err := page(q)
	return unet.LocationFilter{Type: q.Get("type"), Parent: q.Get("parent"), Page: p}, err
}

func linkFilter(q url.Values) (unet.LinkFilter, error) {
	p, err := page(q)
	return unet.LinkFilter{Node: q.Get("node"), Role: q.Get("role"), Page: p}, err
}

// page reads limit, offset and cursor.
func page(q url.Values) (unet.Page, error) {
	var p unet.Page
	var err error
	if p.Limit, err = intParam(q, "limit"); err != nil {
		return p, err
	}
	if p.Offset, err = intParam(q, "offset"); err != nil {
		return p, err
	}
	p.Cursor = q.Get("cursor")
	if p.Limit < 0 {
		return p, statusError(http.StatusBadRequest, unet.EINVALID, "limit must not be negative")
	}
	return p, nil
}

func intParam(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, statusError(http.StatusBadRequest, unet.EINVALID, "query parameter "+name+" must be an integer, not "+strconv.Quote(v))
	}
	return n, nil
}

func boolParam(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, statusError(http.StatusBadRequest, unet.EINVALID, "query parameter "+name+" must be true or false, not "+strconv.Quote(v))
	}
	return b, nil
}
