package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/unet-dev/unet"
)

func (s *Server) listVendors(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.ListVendors(r.Context())
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []unet.Vendor{}
	}
	s.writeJSON(w, http.StatusOK, unet.List[unet.Vendor]{Items: vs, Total: len(vs)})
	return nil
}

func (s *Server) createVendor(w http.ResponseWriter, r *http.Request) error {
	var v unet.Vendor
	if err := decodeBody(r, &v); err != nil {
		return err
	}
	o, err := writeOptions(r.URL.Query())
	if err != nil {
		return err
	}
	out, err := s.svc.CreateVendor(r.Context(), &v, o)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) listChanges(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := page(q)
	if err != nil {
		return err
	}
	f := unet.ChangeFilter{Object: q.Get("object"), Actor: q.Get("actor"), Page: p}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return statusError(http.StatusBadRequest, unet.EINVALID, "query parameter since must be an RFC 3339 time such as 2026-01-02T15:04:05Z, not "+v)
		}
		f.Since = t
	}
	l, err := s.svc.ListChanges(r.Context(), f)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) getChange(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.GetChange(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) importInventory(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	dry, err := boolParam(q, "dry_run")
	if err != nil {
		return err
	}
	var b unet.Bundle
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	emergency, err := boolParam(q, "emergency")
	if err != nil {
		return err
	}
	rep, err := s.svc.Import(r.Context(), &b, unet.ImportOptions{DryRun: dry, Reason: q.Get("reason"), Emergency: emergency})
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) markDemo(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.MarkDemo(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) exportInventory(w http.ResponseWriter, r *http.Request) error {
	export := s.svc.Export
	if at, ok := atValue(r); ok {
		export = func(ctx context.Context) (*unet.Bundle, error) { return s.svc.ExportAt(ctx, at) }
	}
	b, err := export(r.Context())
	if err != nil {
		return atError(err)
	}
	s.writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) openapiDoc(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(s.openapi); err != nil {
		// The status is sent; the client went away and can be told nothing.
		s.log.Debug("write response", slog.Any("error", err))
	}
	return nil
}
