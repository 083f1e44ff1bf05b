package service

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
)

// Guard names (SPEC §7.4): a tripped guard refuses the apply of a change set
// unless it is forced.
const (
	GuardNewCritical = "new_critical_violations"
	GuardConfigRatio = "config_change_ratio"
)

// Default guard settings.
const (
	DefaultGuardConfigPercent = 20
	DefaultGuardNewCritical   = true
)

// GuardSettings configure the guards evaluated on every impact: the
// [changes] section of the config file (guard_config_percent,
// guard_new_critical).
type GuardSettings struct {
	// ConfigPercent trips config_change_ratio when the nodes whose rendered
	// configuration changes are more than this percentage of all nodes
	// (0 to 100: 0 trips on any change, 100 never trips).
	ConfigPercent float64
	// NewCritical trips new_critical_violations when a change makes a
	// critical rule fail where it did not.
	NewCritical bool
}

// DefaultGuardSettings returns the guards' defaults: 20 % and new critical
// violations on.
func DefaultGuardSettings() GuardSettings {
	return GuardSettings{ConfigPercent: DefaultGuardConfigPercent, NewCritical: DefaultGuardNewCritical}
}

// Check reports settings out of range as an invalid error.
func (g GuardSettings) Check() error {
	if g.ConfigPercent < 0 || g.ConfigPercent > 100 || g.ConfigPercent != g.ConfigPercent {
		return unet.Invalid("bad guard settings", unet.FieldError{Field: "guard_config_percent",
			Message: fmt.Sprintf("%v is not a percentage from 0 to 100", g.ConfigPercent)})
	}
	return nil
}

// SetGuards sets the guard settings of change-set impacts; settings out of
// range are refused.
func (s *Service) SetGuards(g GuardSettings) error {
	if err := g.Check(); err != nil {
		return err
	}
	s.guards.Store(&g)
	return nil
}

// Guards returns the guard settings in force.
func (s *Service) Guards() GuardSettings {
	if g := s.guards.Load(); g != nil {
		return *g
	}
	return DefaultGuardSettings()
}

// evalGuards evaluates both guards on an impact; totalNodes is the number of
// nodes in the inventory. Both are always listed.
func evalGuards(g GuardSettings, imp *unet.Impact, totalNodes int) []unet.GuardResult {
	return []unet.GuardResult{newCriticalGuard(g, imp.Policy), configRatioGuard(g, len(imp.Config), totalNodes)}
}

// newCriticalGuard trips when a critical rule goes to fail from any other
// state (pass, error, or not applying).
func newCriticalGuard(g GuardSettings, policy []unet.PolicyImpact) unet.GuardResult {
	res := unet.GuardResult{Name: GuardNewCritical}
	if !g.NewCritical {
		res.Detail = "off (guard_new_critical = false)"
		return res
	}
	var hits []string
	for _, p := range policy {
		if p.Severity == "critical" && p.After == "fail" && p.Before != "fail" {
			hits = append(hits, fmt.Sprintf("%s/%s: %s", p.Kind, p.Object, p.Rule))
		}
	}
	if len(hits) == 0 {
		res.Detail = "no new critical violations"
		return res
	}
	res.Tripped = true
	word := "violations"
	if len(hits) == 1 {
		word = "violation"
	}
	res.Detail = fmt.Sprintf("%d new critical %s: %s", len(hits), word, strings.Join(hits, ", "))
	return res
}

// configRatioGuard trips when more than the configured percentage of all
// nodes would get a different rendered configuration.
func configRatioGuard(g GuardSettings, changed, total int) unet.GuardResult {
	res := unet.GuardResult{Name: GuardConfigRatio}
	pct := 0.0
	if total > 0 {
		pct = float64(changed) * 100 / float64(total)
	}
	limit := percent(g.ConfigPercent)
	res.Tripped = total > 0 && float64(changed)*100 > g.ConfigPercent*float64(total)
	op := "≤"
	if res.Tripped {
		op = ">"
	}
	res.Detail = fmt.Sprintf("%d of %d nodes (%s) %s %s", changed, total, percent(pct), op, limit)
	return res
}

// percent formats a percentage with at most one decimal: "20%", "2.5%".
func percent(p float64) string {
	return strconv.FormatFloat(float64(int64(p*10+0.5))/10, 'f', -1, 64) + "%"
}
