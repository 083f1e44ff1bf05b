package sqlstore

import (
	"context"
	"time"

	"github.com/unet-dev/unet"
)

// ListVendors returns the registry ordered by name.
func (r Reader) ListVendors(ctx context.Context) ([]unet.Vendor, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT name, display_name FROM vendors ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []unet.Vendor{}
	for rows.Next() {
		var v unet.Vendor
		if err := rows.Scan(&v.Name, &v.DisplayName); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// GetVendor returns one vendor by (lowercase) name.
func (r Reader) GetVendor(ctx context.Context, name string) (*unet.Vendor, error) {
	v := &unet.Vendor{}
	err := r.q.QueryRowContext(ctx, `SELECT name, display_name FROM vendors WHERE name = $1`, name).Scan(&v.Name, &v.DisplayName)
	return v, notFound(err, "vendor", name)
}

// InsertVendor adds a vendor to the registry.
func (tx *Tx) InsertVendor(ctx context.Context, v *unet.Vendor) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO vendors (name, display_name, created_at) VALUES ($1, $2, $3)`,
		v.Name, v.DisplayName, fmtTime(time.Now()))
	return constraintError(err, "vendor", v.Name)
}

// UpdateVendor changes a vendor's display name.
func (tx *Tx) UpdateVendor(ctx context.Context, v *unet.Vendor) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE vendors SET display_name = $2 WHERE name = $1`, v.Name, v.DisplayName)
	return err
}
