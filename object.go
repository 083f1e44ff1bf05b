package unet

import (
	"encoding/json"
	"regexp"
	"time"
	"unicode/utf8"
)

// Meta holds the fields every stored object has (SPEC §1.1).
type Meta struct {
	ID         string         `json:"id"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Version    int            `json:"version"`
	CustomData map[string]any `json:"custom_data"`
	Tags       []string       `json:"tags"`
}

// Lifecycle values shared by nodes, links and locations.
const (
	LifecyclePlanned        = "planned"
	LifecycleImplementing   = "implementing"
	LifecycleLive           = "live"
	LifecycleDecommissioned = "decommissioned"
)

var lifecycleRank = map[string]int{
	LifecyclePlanned:        0,
	LifecycleImplementing:   1,
	LifecycleLive:           2,
	LifecycleDecommissioned: 3,
}

// Lifecycles lists the lifecycle values in their forward order.
func Lifecycles() []string {
	return []string{LifecyclePlanned, LifecycleImplementing, LifecycleLive, LifecycleDecommissioned}
}

// ValidLifecycle reports whether s is a known lifecycle.
func ValidLifecycle(s string) bool {
	_, ok := lifecycleRank[s]
	return ok
}

// CheckLifecycleTransition enforces planned → implementing → live →
// decommissioned: moving forward (skipping steps is allowed), staying, or going
// back to planned are accepted; any other backwards move is refused.
func CheckLifecycleTransition(from, to string) error {
	if from == to || from == "" || to == LifecyclePlanned {
		return nil
	}
	if lifecycleRank[to] < lifecycleRank[from] {
		return Invalid("lifecycle cannot move backwards", FieldError{
			Field:   "lifecycle",
			Message: "cannot move from " + from + " to " + to + " (only forward, or back to planned)",
		})
	}
	return nil
}

var tagRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/+-]*$`)

func (m *Meta) validate(fe *fieldErrors) {
	m.validateTags(fe)
	fe.checkCustomData(m.CustomData)
}

// validateTags checks the number of tags and each tag's length and pattern.
func (m *Meta) validateTags(fe *fieldErrors) {
	if len(m.Tags) > MaxTags {
		fe.add("tags", "has %d tags; the limit is %d", len(m.Tags), MaxTags)
		return
	}
	seen := map[string]bool{}
	for _, t := range m.Tags {
		if n := utf8.RuneCountInString(t); n > MaxTagLen {
			fe.add("tags", "a tag is %d characters long; the limit is %d", n, MaxTagLen)
			continue
		}
		if !tagRE.MatchString(t) {
			fe.add("tags", "tag %q must match %s", t, tagRE.String())
		}
		if seen[t] {
			fe.add("tags", "duplicate tag %q", t)
		}
		seen[t] = true
	}
}

// normalize fills defaults so that stored and returned objects never carry nil
// collections.
func (m *Meta) normalize() {
	if m.CustomData == nil {
		m.CustomData = map[string]any{}
	}
	if m.Tags == nil {
		m.Tags = []string{}
	}
}

// CloneJSON deep-copies v through JSON; it is used to take before/after images of
// objects for the change log.
func CloneJSON[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil
	}
	return out
}
