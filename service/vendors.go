package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// ListVendors returns the vendor registry.
func (s *Service) ListVendors(ctx context.Context) ([]unet.Vendor, error) {
	return s.db.Reader().ListVendors(ctx)
}

// CreateVendor adds a vendor to the registry.
func (s *Service) CreateVendor(ctx context.Context, v *unet.Vendor, o unet.WriteOptions) (*unet.Vendor, error) {
	v = unet.CloneJSON(v)
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return s.finishWrite(ctx, tx, m, s.createVendor(ctx, tx, v, m)) })
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) createVendor(ctx context.Context, tx *sqlstore.Tx, v *unet.Vendor, m mutation) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	if _, err := tx.Reader().GetVendor(ctx, v.Name); err == nil {
		return unet.Errorf(unet.ECONFLICT, "vendor %s already exists", v.Name)
	}
	if err := tx.InsertVendor(ctx, v); err != nil {
		return err
	}
	return m.record(ctx, tx, unet.KindVendor, v.Name, v.Name, unet.OpCreate, nil, v)
}
