package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/unet-dev/unet"
)

const nodeCols = metaCols + `, name, domain, fqdn, vendor, model, role, device_type, platform, mgmt_ip,
	software_version, serial_number, asset_tag, COALESCE(location_id, ''), lifecycle, environment, snmp_profile`

func scanNode(s rowScanner) (*unet.Node, error) {
	n := &unet.Node{}
	var ms metaScan
	dest := append(ms.dest(&n.Meta), &n.Name, &n.Domain, &n.FQDN, &n.Vendor, &n.Model, &n.Role, &n.DeviceType,
		&n.Platform, &n.MgmtIP, &n.SoftwareVersion, &n.SerialNumber, &n.AssetTag, &n.LocationID, &n.Lifecycle,
		&n.Environment, &n.SNMPProfile)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	return n, ms.finish(&n.Meta)
}

// GetNode returns the node with the given ID.
func (r Reader) GetNode(ctx context.Context, id string) (*unet.Node, error) {
	n, err := scanNode(r.q.QueryRowContext(ctx, `SELECT `+nodeCols+` FROM nodes WHERE id = $1`, id))
	return n, notFound(err, "node", id)
}

// FindNode resolves a node reference: an FQDN, an ID or a name (tried in that
// order, each an indexed lookup). A bare name shared by nodes of several domains
// is ambiguous.
func (r Reader) FindNode(ctx context.Context, ref string) (*unet.Node, error) {
	for _, col := range refColumns(ref) {
		n, err := scanNode(r.q.QueryRowContext(ctx, `SELECT `+nodeCols+` FROM nodes WHERE `+col+` = $1`, ref))
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+nodeCols+` FROM nodes WHERE name = $1 LIMIT 2`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var byName []*unet.Node
	for rows.Next() {
		n, err := scanNode(rows)
		if err != nil {
			return nil, err
		}
		byName = append(byName, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	switch len(byName) {
	case 0:
		return nil, unet.Errorf(unet.ENOTFOUND, "node %q not found", ref)
	case 1:
		return byName[0], nil
	}
	return nil, unet.Errorf(unet.EINVALID, "node name %q is ambiguous (nodes in several domains): use the FQDN", ref)
}

// refColumns orders the unique columns a node reference is tried against: a
// UUID is most likely an ID, anything else an FQDN.
func refColumns(ref string) []string {
	if _, err := uuid.Parse(ref); err == nil && len(ref) == 36 {
		return []string{"id", "fqdn"}
	}
	return []string{"fqdn", "id"}
}

// NodeByFQDN returns the node with exactly this FQDN.
func (r Reader) NodeByFQDN(ctx context.Context, fqdn string) (*unet.Node, error) {
	n, err := scanNode(r.q.QueryRowContext(ctx, `SELECT `+nodeCols+` FROM nodes WHERE fqdn = $1`, fqdn))
	return n, notFound(err, "node", fqdn)
}

// NodeKey resolves a node reference like FindNode but reads only the ID and
// FQDN (for link ends, where the rest of the node is not needed).
func (r Reader) NodeKey(ctx context.Context, ref string) (id, fqdn string, err error) {
	for _, col := range refColumns(ref) {
		err = r.q.QueryRowContext(ctx, `SELECT id, fqdn FROM nodes WHERE `+col+` = $1`, ref).Scan(&id, &fqdn)
		if err == nil {
			return id, fqdn, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", "", err
		}
	}
	n, err := r.FindNode(ctx, ref)
	if err != nil {
		return "", "", err
	}
	return n.ID, n.FQDN, nil
}

// NodeQuery is a resolved node filter (location already expanded to a path).
type NodeQuery struct {
	unet.NodeFilter
	LocationPath string
}

// ListNodes returns one page of nodes ordered by FQDN.
func (r Reader) ListNodes(ctx context.Context, f NodeQuery) (*unet.List[unet.Node], error) {
	var w where
	if f.Vendor != "" {
		w.add("vendor = ?", f.Vendor)
	}
	if f.Role != "" {
		w.add("role = ?", f.Role)
	}
	if f.Platform != "" {
		w.add("platform = ?", f.Platform)
	}
	if f.Lifecycle != "" {
		w.add("lifecycle = ?", f.Lifecycle)
	}
	if f.Tag != "" {
		// Tags are validated to hold no quotes, so the quoted form is exact.
		w.add("tags LIKE ? ESCAPE '\\'", `%"`+escapeLike(f.Tag)+`"%`)
	}
	if f.LocationPath != "" {
		w.add("location_id IN (SELECT id FROM locations WHERE path = ? OR path LIKE ? ESCAPE '\\')", f.LocationPath, escapeLike(f.LocationPath)+"/%")
	}
	if f.Environment != "" {
		w.add("environment = ?", f.Environment)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		// One lower-cased text of the searched columns: one LIKE a row.
		w.add("LOWER("+strings.Join(nodeSearchCols, " || ' ' || ")+") LIKE ? ESCAPE '\\'", "%"+escapeLike(strings.ToLower(s))+"%")
	}
	if f.Compliance != "" {
		cond, ok := nodeComplianceConds[f.Compliance]
		if !ok {
			return nil, unet.Errorf(unet.EINVALID, "compliance %q is not one of %s", f.Compliance, strings.Join(unet.NodeCompliances, ", "))
		}
		w.add(cond)
	}
	key, desc, err := nodeSortKey(f.Sort)
	if err != nil {
		return nil, err
	}
	q := pageQuery[unet.Node]{from: "nodes", columns: nodeCols, sortCol: key, idCol: "id", desc: desc, scan: scanNode,
		cursor: func(n *unet.Node) (string, string) { return NodeSortValue(n, key), n.ID }}
	if len(w.conds) == 0 && key == "fqdn" {
		return listPage(ctx, r, q, w, f.Page)
	}
	return listPageCounted(ctx, r, q, w, f.Page)
}

// listPageCounted is listPage for lists that read every matching row
// anyway (a filter without an index, an order without one): the rows are
// read once, ordered by their key and ID only, and counted in the same
// query (a window count); the page's rows are then read whole by ID. Only
// a page past the end, or after a cursor, counts on its own.
func listPageCounted[T any](ctx context.Context, r Reader, q pageQuery[T], w where, p unet.Page) (*unet.List[T], error) {
	counted := w
	counted.conds, counted.args = append([]string(nil), w.conds...), append([]any(nil), w.args...)
	tail, limit, err := pageClause(&counted, p, q.sortCol, q.idCol, q.desc)
	if err != nil {
		return nil, err
	}
	dir := ""
	if q.desc {
		dir = " DESC"
	}
	total := -1
	scan := func(s rowScanner) (*T, error) { return q.scan(countScanner{s, &total}) }
	items, err := queryItems(ctx, r, "SELECT "+q.columns+", page.n FROM "+q.from+" JOIN (SELECT "+q.idCol+" AS page_id, COUNT(*) OVER () AS n FROM "+
		q.from+counted.String()+tail+") page ON "+q.idCol+" = page.page_id ORDER BY "+q.sortCol+dir+", "+q.idCol+dir, counted.args, scan)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 || p.Cursor != "" {
		// No row to carry the count, or a cursor narrowed the rows counted.
		if err := r.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+q.from+w.String(), w.args...).Scan(&total); err != nil {
			return nil, fmt.Errorf("count: %w", err)
		}
	}
	out := &unet.List[T]{Items: items, Total: total}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = encodeCursor(q.cursor(&out.Items[limit-1]))
	}
	return out, nil
}

// countScanner scans a row with a trailing window count into total.
type countScanner struct {
	rowScanner
	total *int
}

func (c countScanner) Scan(dest ...any) error {
	return c.rowScanner.Scan(append(dest, c.total)...)
}

// nodeSearchCols are the columns NodeFilter.Search looks in.
var nodeSearchCols = []string{"fqdn", "mgmt_ip", "model", "serial_number", "asset_tag"}

// nodeComplianceConds are the conditions of NodeFilter.Compliance over the
// stored results' counts.
var nodeComplianceConds = map[string]string{
	unet.ComplianceFail:  "id IN (SELECT object_id FROM policy_object_results WHERE object_kind = 'node' AND n_fail > 0)",
	unet.ComplianceError: "id IN (SELECT object_id FROM policy_object_results WHERE object_kind = 'node' AND n_error > 0)",
	unet.CompliancePass:  "id IN (SELECT object_id FROM policy_object_results WHERE object_kind = 'node' AND n_pass > 0 AND n_fail = 0 AND n_error = 0)",
	unet.ComplianceNone:  "id NOT IN (SELECT object_id FROM policy_object_results WHERE object_kind = 'node' AND n_pass + n_fail + n_error > 0)",
}

// nodeSortKey validates a NodeFilter.Sort: its column and direction.
func nodeSortKey(sort string) (col string, desc bool, err error) {
	col, desc = strings.CutPrefix(sort, "-")
	if col == "" {
		col = "fqdn"
	}
	for _, k := range unet.NodeSortKeys {
		if k == col {
			return col, desc, nil
		}
	}
	return "", false, unet.Errorf(unet.EINVALID, "sort %q is not one of %s (with a leading - for descending)", sort, strings.Join(unet.NodeSortKeys, ", "))
}

// NodeSortValue is the value of a node's sort column key (one of
// unet.NodeSortKeys; a leading "-" is ignored), for list cursors.
func NodeSortValue(n *unet.Node, key string) string {
	switch strings.TrimPrefix(key, "-") {
	case "name":
		return n.Name
	case "vendor":
		return n.Vendor
	case "model":
		return n.Model
	case "role":
		return n.Role
	case "platform":
		return n.Platform
	case "mgmt_ip":
		return n.MgmtIP
	case "lifecycle":
		return n.Lifecycle
	case "environment":
		return n.Environment
	case "software_version":
		return n.SoftwareVersion
	}
	return n.FQDN
}

// escapeLike makes s literal inside a LIKE pattern written with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func nodeArgs(n *unet.Node) ([]any, error) {
	cd, tags, err := metaJSON(&n.Meta)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", n.FQDN, err)
	}
	return []any{n.ID, cd, tags, n.Version, fmtTime(n.CreatedAt), fmtTime(n.UpdatedAt),
		n.Name, n.Domain, n.FQDN, n.Vendor, n.Model, n.Role, n.DeviceType, n.Platform, n.MgmtIP,
		n.SoftwareVersion, n.SerialNumber, n.AssetTag, nullable(n.LocationID), n.Lifecycle, n.Environment, n.SNMPProfile}, nil
}

// InsertNode stores a new node.
func (tx *Tx) InsertNode(ctx context.Context, n *unet.Node) error {
	args, err := nodeArgs(n)
	if err != nil {
		return err
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO nodes (id, custom_data, tags, version, created_at, updated_at,
		name, domain, fqdn, vendor, model, role, device_type, platform, mgmt_ip, software_version, serial_number,
		asset_tag, location_id, lifecycle, environment, snmp_profile)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`, args...)
	return constraintError(err, "node", n.FQDN)
}

// UpdateNode writes n if its stored version is still prevVersion; otherwise it
// returns a conflict (somebody else updated the node first).
func (tx *Tx) UpdateNode(ctx context.Context, n *unet.Node, prevVersion int) error {
	args, err := nodeArgs(n)
	if err != nil {
		return err
	}
	args = append(args, prevVersion)
	res, err := tx.q.ExecContext(ctx, `UPDATE nodes SET custom_data=$2, tags=$3, version=$4, created_at=$5, updated_at=$6,
		name=$7, domain=$8, fqdn=$9, vendor=$10, model=$11, role=$12, device_type=$13, platform=$14, mgmt_ip=$15,
		software_version=$16, serial_number=$17, asset_tag=$18, location_id=$19, lifecycle=$20, environment=$21,
		snmp_profile=$22 WHERE id=$1 AND version=$23`, args...)
	if err != nil {
		return constraintError(err, "node", n.FQDN)
	}
	return checkOneRow(res, "node", n.FQDN, prevVersion)
}

// DeleteNode removes a node if its version is still prevVersion.
func (tx *Tx) DeleteNode(ctx context.Context, n *unet.Node) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM nodes WHERE id=$1 AND version=$2`, n.ID, n.Version)
	if err != nil {
		return constraintError(err, "node", n.FQDN)
	}
	return checkOneRow(res, "node", n.FQDN, n.Version)
}
