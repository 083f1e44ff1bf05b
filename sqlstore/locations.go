package sqlstore

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
)

const locationCols = metaCols + `, name, type, COALESCE(parent_id, ''), path, description, address, lifecycle, snmp_profile`

func scanLocation(s rowScanner) (*unet.Location, error) {
	l := &unet.Location{}
	var ms metaScan
	dest := append(ms.dest(&l.Meta), &l.Name, &l.Type, &l.ParentID, &l.Path, &l.Description, &l.Address, &l.Lifecycle, &l.SNMPProfile)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	return l, ms.finish(&l.Meta)
}

// FindLocation resolves a location reference: an ID or a path.
func (r Reader) FindLocation(ctx context.Context, ref string) (*unet.Location, error) {
	l, err := scanLocation(r.q.QueryRowContext(ctx, `SELECT `+locationCols+` FROM locations WHERE id = $1 OR path = $1`, ref))
	return l, notFound(err, "location", ref)
}

// ListLocations returns one page of locations ordered by path.
func (r Reader) ListLocations(ctx context.Context, f unet.LocationFilter, parentID string) (*unet.List[unet.Location], error) {
	var w where
	if f.Type != "" {
		w.add("type = ?", f.Type)
	}
	if parentID != "" {
		w.add("parent_id = ?", parentID)
	}
	return listPage(ctx, r, pageQuery[unet.Location]{from: "locations", columns: locationCols, sortCol: "path", idCol: "id",
		scan: scanLocation, cursor: func(l *unet.Location) (string, string) { return l.Path, l.ID }}, w, f.Page)
}

// LocationDescendants returns every location below the one with the given path,
// ordered by path.
func (r Reader) LocationDescendants(ctx context.Context, path string) ([]unet.Location, error) {
	return queryItems(ctx, r, `SELECT `+locationCols+` FROM locations WHERE path LIKE $1 ESCAPE '\' ORDER BY path`,
		[]any{escapeLike(path) + "/%"}, scanLocation)
}

// LocationDependents names (up to limit) the child locations and nodes that
// keep a location from being deleted.
func (r Reader) LocationDependents(ctx context.Context, id string, limit int) (children, nodes []string, err error) {
	if children, err = queryStrings(ctx, r, fmt.Sprintf(`SELECT path FROM locations WHERE parent_id = $1 ORDER BY path LIMIT %d`, limit), id); err != nil {
		return nil, nil, err
	}
	nodes, err = queryStrings(ctx, r, fmt.Sprintf(`SELECT fqdn FROM nodes WHERE location_id = $1 ORDER BY fqdn LIMIT %d`, limit), id)
	return children, nodes, err
}

func locationArgs(l *unet.Location) ([]any, error) {
	cd, tags, err := metaJSON(&l.Meta)
	if err != nil {
		return nil, fmt.Errorf("location %s: %w", l.Path, err)
	}
	return []any{l.ID, cd, tags, l.Version, fmtTime(l.CreatedAt), fmtTime(l.UpdatedAt),
		l.Name, l.Type, nullable(l.ParentID), l.Path, l.Description, l.Address, l.Lifecycle, l.SNMPProfile}, nil
}

// InsertLocation stores a new location.
func (tx *Tx) InsertLocation(ctx context.Context, l *unet.Location) error {
	args, err := locationArgs(l)
	if err != nil {
		return err
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO locations (id, custom_data, tags, version, created_at, updated_at,
		name, type, parent_id, path, description, address, lifecycle, snmp_profile) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		args...)
	return constraintError(err, "location", l.Path)
}

// UpdateLocation writes l if its stored version is still prevVersion.
func (tx *Tx) UpdateLocation(ctx context.Context, l *unet.Location, prevVersion int) error {
	args, err := locationArgs(l)
	if err != nil {
		return err
	}
	res, err := tx.q.ExecContext(ctx, `UPDATE locations SET custom_data=$2, tags=$3, version=$4, created_at=$5,
		updated_at=$6, name=$7, type=$8, parent_id=$9, path=$10, description=$11, address=$12, lifecycle=$13,
		snmp_profile=$14 WHERE id=$1 AND version=$15`, append(args, prevVersion)...)
	if err != nil {
		return constraintError(err, "location", l.Path)
	}
	return checkOneRow(res, "location", l.Path, prevVersion)
}

// DeleteLocation removes a location if its version is unchanged.
func (tx *Tx) DeleteLocation(ctx context.Context, l *unet.Location) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM locations WHERE id=$1 AND version=$2`, l.ID, l.Version)
	if err != nil {
		return constraintError(err, "location", l.Path)
	}
	return checkOneRow(res, "location", l.Path, l.Version)
}
