package cli

import (
	"fmt"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// changesConfig is the [changes] section of the config file: the guards
// that refuse applying a change set (SPEC §7.4) unless it is forced.
type changesConfig struct {
	// GuardConfigPercent trips the config_change_ratio guard when more than
	// this percentage of all nodes would get a different rendered
	// configuration (default 20; 100 never trips).
	GuardConfigPercent *float64 `toml:"guard_config_percent"`
	// GuardNewCritical trips the new_critical_violations guard when a
	// change makes a critical rule fail (default true).
	GuardNewCritical *bool `toml:"guard_new_critical"`
}

// guardSettings reads the guard settings of the [changes] section, with the
// defaults for what it does not set.
func (c changesConfig) guardSettings() (service.GuardSettings, error) {
	g := service.DefaultGuardSettings()
	if c.GuardConfigPercent != nil {
		g.ConfigPercent = *c.GuardConfigPercent
	}
	if c.GuardNewCritical != nil {
		g.NewCritical = *c.GuardNewCritical
	}
	if g.Check() != nil {
		return g, unet.Invalid("bad [changes] section in the config file", unet.FieldError{Field: "changes.guard_config_percent",
			Message: fmt.Sprintf("%v is not a percentage from 0 to 100", g.ConfigPercent)})
	}
	return g, nil
}

// configureGuards gives the service the guard settings of the config file.
func configureGuards(svc *service.Service, cfg *serveConfig) error {
	g, err := cfg.Changes.guardSettings()
	if err != nil {
		return err
	}
	return svc.SetGuards(g)
}
