package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
)

// Links are read with their endpoint node names joined in.
const (
	linkColumns = `l.id, l.custom_data, l.tags, l.version, l.created_at, l.updated_at, l.name,
	l.a_node_id, l.a_interface, COALESCE(l.z_node_id, ''), l.z_interface, l.role, l.bandwidth_bps, l.circuit_id,
	l.provider, l.description, l.lifecycle, a.fqdn, COALESCE(z.fqdn, '')`
	linkFrom   = `links l JOIN nodes a ON a.id = l.a_node_id LEFT JOIN nodes z ON z.id = l.z_node_id`
	linkSelect = `SELECT ` + linkColumns + ` FROM ` + linkFrom
)

func scanLink(s rowScanner) (*unet.Link, error) {
	l := &unet.Link{}
	var ms metaScan
	dest := append(ms.dest(&l.Meta), &l.Name, &l.ANodeID, &l.AInterface, &l.ZNodeID, &l.ZInterface, &l.Role,
		&l.BandwidthBPS, &l.CircuitID, &l.Provider, &l.Description, &l.Lifecycle, &l.ANode, &l.ZNode)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	return l, ms.finish(&l.Meta)
}

// GetLink returns the link with the given ID.
func (r Reader) GetLink(ctx context.Context, id string) (*unet.Link, error) {
	l, err := scanLink(r.q.QueryRowContext(ctx, linkSelect+` WHERE l.id = $1`, id))
	return l, notFound(err, "link", id)
}

// FindLink resolves a link reference: an ID, a link name, or NODE:INTERFACE of
// either end (node by name or FQDN).
func (r Reader) FindLink(ctx context.Context, ref string) (*unet.Link, error) {
	l, err := scanLink(r.q.QueryRowContext(ctx, linkSelect+` WHERE l.id = $1 OR (l.name <> '' AND l.name = $1)`, ref))
	if err == nil {
		return l, nil
	}
	if i := strings.LastIndexByte(ref, ':'); i > 0 {
		node, err := r.FindNode(ctx, ref[:i])
		if err != nil {
			return nil, unet.Errorf(unet.ENOTFOUND, "link %q not found", ref)
		}
		var id string
		err = r.q.QueryRowContext(ctx, `SELECT link_id FROM link_endpoints WHERE node_id = $1 AND iface_key = $2`,
			node.ID, IfaceKey(ref[i+1:])).Scan(&id)
		if err == nil {
			return r.GetLink(ctx, id)
		}
	}
	return nil, unet.Errorf(unet.ENOTFOUND, "link %q not found", ref)
}

// IfaceKey is the uniqueness key of an interface name: case-insensitive.
func IfaceKey(iface string) string { return strings.ToLower(strings.TrimSpace(iface)) }

// LinkAt returns the ID of the link using an interface, or "".
func (r Reader) LinkAt(ctx context.Context, nodeID, iface string) (string, error) {
	var id string
	err := r.q.QueryRowContext(ctx, `SELECT link_id FROM link_endpoints WHERE node_id = $1 AND iface_key = $2`, nodeID, IfaceKey(iface)).Scan(&id)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return "", err
	}
	return id, nil
}

// ListLinks returns one page of links ordered by A node and interface.
func (r Reader) ListLinks(ctx context.Context, f unet.LinkFilter, nodeID string) (*unet.List[unet.Link], error) {
	var w where
	if nodeID != "" {
		w.add("(l.a_node_id = ? OR l.z_node_id = ?)", nodeID, nodeID)
	}
	if f.Role != "" {
		w.add("l.role = ?", f.Role)
	}
	return listPage(ctx, r, pageQuery[unet.Link]{from: linkFrom, columns: linkColumns, sortCol: "(a.fqdn || ':' || l.a_interface)",
		idCol: "l.id", scan: scanLink, cursor: func(l *unet.Link) (string, string) { return l.ANode + ":" + l.AInterface, l.ID }}, w, f.Page)
}

// NodeLinkIDs returns the IDs of the links attached to a node.
func (r Reader) NodeLinkIDs(ctx context.Context, nodeID string) ([]string, error) {
	return queryStrings(ctx, r, `SELECT id FROM links WHERE a_node_id = $1 OR z_node_id = $1 ORDER BY id`, nodeID)
}

func linkArgs(l *unet.Link) ([]any, error) {
	cd, tags, err := metaJSON(&l.Meta)
	if err != nil {
		return nil, fmt.Errorf("link %s: %w", l.Name, err)
	}
	return []any{l.ID, cd, tags, l.Version, fmtTime(l.CreatedAt), fmtTime(l.UpdatedAt),
		l.Name, l.ANodeID, l.AInterface, nullable(l.ZNodeID), l.ZInterface, l.Role, l.BandwidthBPS, l.CircuitID,
		l.Provider, l.Description, l.Lifecycle}, nil
}

func (tx *Tx) writeEndpoints(ctx context.Context, l *unet.Link, replace bool) error {
	if replace {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM link_endpoints WHERE link_id = $1`, l.ID); err != nil {
			return err
		}
	}
	ends := [][2]string{{l.ANodeID, l.AInterface}}
	if l.ZNodeID != "" {
		ends = append(ends, [2]string{l.ZNodeID, l.ZInterface})
	}
	for _, e := range ends {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO link_endpoints (node_id, iface_key, link_id) VALUES ($1, $2, $3)`,
			e[0], IfaceKey(e[1]), l.ID)
		if err != nil {
			return constraintError(err, "link", e[1])
		}
	}
	return nil
}

// InsertLink stores a new link and claims its interfaces.
func (tx *Tx) InsertLink(ctx context.Context, l *unet.Link) error {
	args, err := linkArgs(l)
	if err != nil {
		return err
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO links (id, custom_data, tags, version, created_at, updated_at, name,
		a_node_id, a_interface, z_node_id, z_interface, role, bandwidth_bps, circuit_id, provider, description, lifecycle)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`, args...)
	if err != nil {
		return constraintError(err, "link", l.Name)
	}
	return tx.writeEndpoints(ctx, l, false)
}

// UpdateLink writes l if its stored version is still prevVersion.
func (tx *Tx) UpdateLink(ctx context.Context, l *unet.Link, prevVersion int) error {
	args, err := linkArgs(l)
	if err != nil {
		return err
	}
	res, err := tx.q.ExecContext(ctx, `UPDATE links SET custom_data=$2, tags=$3, version=$4, created_at=$5,
		updated_at=$6, name=$7, a_node_id=$8, a_interface=$9, z_node_id=$10, z_interface=$11, role=$12,
		bandwidth_bps=$13, circuit_id=$14, provider=$15, description=$16, lifecycle=$17 WHERE id=$1 AND version=$18`,
		append(args, prevVersion)...)
	if err != nil {
		return constraintError(err, "link", l.Name)
	}
	if err := checkOneRow(res, "link", l.Name, prevVersion); err != nil {
		return err
	}
	return tx.writeEndpoints(ctx, l, true)
}

// DeleteLink removes a link (its endpoints go with it).
func (tx *Tx) DeleteLink(ctx context.Context, l *unet.Link) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM link_endpoints WHERE link_id = $1`, l.ID); err != nil {
		return err
	}
	res, err := tx.q.ExecContext(ctx, `DELETE FROM links WHERE id=$1 AND version=$2`, l.ID, l.Version)
	if err != nil {
		return constraintError(err, "link", l.Name)
	}
	return checkOneRow(res, "link", l.Name, l.Version)
}
