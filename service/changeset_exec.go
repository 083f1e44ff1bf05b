package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// errRollback ends a transaction that must not commit (a dry run).
var errRollback = errors.New("dry run: rolled back")

// checkOp checks the shape of a staged operation before it is run.
func checkOp(op unet.ChangeOp) error {
	switch op.Op {
	case unet.OpCreate:
		switch op.Kind {
		case unet.KindNode, unet.KindLink, unet.KindLocation, unet.KindVendor:
		default:
			return unet.Errorf(unet.EINVALID, "cannot create a %q (node, link, location or vendor)", op.Kind)
		}
		if len(bytes.TrimSpace(op.Data)) == 0 {
			return unet.Errorf(unet.EINVALID, "a create needs the object as data")
		}
	case unet.OpUpdate, unet.OpDelete:
		switch op.Kind {
		case unet.KindNode, unet.KindLink, unet.KindLocation:
		default:
			return unet.Errorf(unet.EINVALID, "cannot %s a %q (node, link or location)", op.Op, op.Kind)
		}
		if strings.TrimSpace(op.Ref) == "" {
			return unet.Errorf(unet.EINVALID, "a %s needs the reference of the object (ref)", op.Op)
		}
		if op.Op == unet.OpUpdate && len(bytes.TrimSpace(op.Data)) == 0 {
			return unet.Errorf(unet.EINVALID, "an update needs a merge patch as data")
		}
	case unet.OpPromote:
		if op.Kind != unet.KindGitSource && op.Kind != unet.KindCanary {
			return unet.Errorf(unet.EINVALID, "a promote takes a git_source or a canary, not a %q", op.Kind)
		}
		if strings.TrimSpace(op.Ref) == "" || len(bytes.TrimSpace(op.Data)) == 0 {
			return unet.Errorf(unet.EINVALID, "a promote needs the source or canary (ref) and the promotion as data")
		}
	case unet.OpImport:
		if op.Kind != unet.KindBundle {
			return unet.Errorf(unet.EINVALID, "an import takes a bundle, not a %q", op.Kind)
		}
		if len(bytes.TrimSpace(op.Data)) == 0 {
			return unet.Errorf(unet.EINVALID, "an import needs the bundle as data")
		}
	default:
		return unet.Errorf(unet.EINVALID, "unknown operation %q (create, update, delete, import or promote)", op.Op)
	}
	return nil
}

// decodeOpData decodes an operation's data strictly: an unknown field is an
// error, as on the API.
func decodeOpData(data json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return unet.Errorf(unet.EINVALID, "data: %v", err)
	}
	return nil
}

// execOp applies one staged operation inside tx, writing its change rows
// through m.
func (s *Service) execOp(ctx context.Context, tx *sqlstore.Tx, op unet.ChangeOp, m mutation) error {
	if err := checkOp(op); err != nil {
		return err
	}
	switch op.Op {
	case unet.OpCreate:
		switch op.Kind {
		case unet.KindNode:
			var n unet.Node
			if err := decodeOpData(op.Data, &n); err != nil {
				return err
			}
			return s.createNode(ctx, tx, &n, m)
		case unet.KindLink:
			var l unet.Link
			if err := decodeOpData(op.Data, &l); err != nil {
				return err
			}
			return s.createLink(ctx, tx, &l, m)
		case unet.KindLocation:
			var l unet.Location
			if err := decodeOpData(op.Data, &l); err != nil {
				return err
			}
			return s.createLocation(ctx, tx, &l, m)
		default: // vendor, by checkOp
			var v unet.Vendor
			if err := decodeOpData(op.Data, &v); err != nil {
				return err
			}
			return s.createVendor(ctx, tx, &v, m)
		}
	case unet.OpUpdate:
		var p unet.Patch
		if err := decodeOpData(op.Data, &p); err != nil {
			return err
		}
		var err error
		switch op.Kind {
		case unet.KindNode:
			_, err = s.patchNode(ctx, tx, true, op.Ref, p, 0, m)
		case unet.KindLink:
			_, err = s.patchLink(ctx, tx, true, op.Ref, p, 0, m)
		default: // location
			_, err = s.patchLocation(ctx, tx, true, op.Ref, p, 0, m)
		}
		return err
	case unet.OpDelete:
		o := unet.DeleteOptions{Cascade: op.Cascade, Reason: m.reason}
		switch op.Kind {
		case unet.KindNode:
			return s.deleteNode(ctx, tx, true, op.Ref, o, m)
		case unet.KindLink:
			return s.deleteLink(ctx, tx, true, op.Ref, 0, m)
		default: // location
			return s.deleteLocation(ctx, tx, true, op.Ref, o, m)
		}
	case unet.OpPromote:
		if op.Kind == unet.KindCanary {
			return s.stageCanaryPromotion(ctx, tx, op, m)
		}
		return s.stagePromotion(ctx, tx, op, m)
	default: // import
		var b unet.Bundle
		if err := decodeOpData(op.Data, &b); err != nil {
			return err
		}
		return s.importTx(ctx, tx, &b, m, &unet.ImportReport{Actions: []unet.ImportAction{}})
	}
}

// opLabel names an operation in messages: "operation 2 (update node leaf1)".
func opLabel(op unet.ChangeOp) string {
	target := op.Ref
	if op.Op == unet.OpCreate {
		var named struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(op.Data, &named) == nil {
			target = named.Name
		}
	}
	if op.Kind == unet.KindBundle {
		return fmt.Sprintf("operation %d (import)", op.Seq)
	}
	return strings.TrimSpace(fmt.Sprintf("operation %d (%s %s %s)", op.Seq, op.Op, op.Kind, target))
}

// opError positions err at an operation: the message names the operation,
// field errors are prefixed with ops[SEQ], and the error code is kept.
func opError(op unet.ChangeOp, err error) error {
	var ue *unet.Error
	if !errors.As(err, &ue) {
		return unet.Internal(fmt.Errorf("%s: %w", opLabel(op), err))
	}
	out := &unet.Error{Code: ue.Code, Message: opLabel(op) + ": " + ue.Error(), Err: ue.Err}
	if len(ue.Fields) > 0 {
		out.Message = opLabel(op) + ": " + ue.Message
	}
	for _, f := range ue.Fields {
		f.Field = fmt.Sprintf("ops[%d].%s", op.Seq, f.Field)
		out.Fields = append(out.Fields, f)
	}
	return out
}

// execOps applies ops in order inside tx and returns the change rows each
// wrote (index i: ops[i]). The first failing operation ends it with an error
// positioned at that operation.
func (s *Service) execOps(ctx context.Context, tx *sqlstore.Tx, ops []unet.ChangeOp, m mutation) ([][]unet.Change, error) {
	out := make([][]unet.Change, len(ops))
	for i, op := range ops {
		var rows []unet.Change
		m.capture = &rows
		if err := s.execOp(ctx, tx, op, m); err != nil {
			return nil, opError(op, err)
		}
		out[i] = rows
	}
	return out, nil
}

// dryRunOps applies ops in a transaction that is always rolled back.
// inspect, when not nil, runs inside the transaction after the operations
// and sees their result (the impact reads the after state there). It
// returns the change rows of each operation.
func (s *Service) dryRunOps(ctx context.Context, ops []unet.ChangeOp, m mutation,
	inspect func(tx *sqlstore.Tx, rows [][]unet.Change) error) ([][]unet.Change, error) {
	var out [][]unet.Change
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		rows, err := s.execOps(ctx, tx, ops, m)
		if err != nil {
			return err
		}
		out = rows
		if inspect != nil {
			if err := inspect(tx, rows); err != nil {
				return err
			}
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return out, nil
	}
	return nil, err
}

// basesOf turns the change rows of one operation into its bases: each
// object it touched as it was before (version 0 and a null image for a
// create). Objects in seen (KIND/ID) were touched by an earlier operation
// of the set, which holds their base; seen is updated.
func basesOf(rows []unet.Change, seen map[string]bool) []unet.OpBase {
	bases := []unet.OpBase{}
	for _, c := range rows {
		key := c.ObjectKind + "/" + c.ObjectID
		if seen[key] {
			continue
		}
		seen[key] = true
		bases = append(bases, unet.OpBase{Kind: c.ObjectKind, ID: c.ObjectID, Name: c.ObjectName,
			Version: imageVersion(c.Before), Image: c.Before})
	}
	return bases
}

// nullImage reports whether a change-log image is absent or JSON null (the
// object does not exist on that side).
func nullImage(img json.RawMessage) bool {
	t := bytes.TrimSpace(img)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// imageVersion reads the version of an object image (0 for null or none).
func imageVersion(img json.RawMessage) int {
	var v struct {
		Version int `json:"version"`
	}
	if len(img) == 0 || json.Unmarshal(img, &v) != nil {
		return 0
	}
	return v.Version
}
