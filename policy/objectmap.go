package policy

import (
	"encoding/json"
	"fmt"
)

// ObjectMap converts a value with snake_case JSON tags (a domain object
// such as a node, link or location) into the generic map the evaluator
// reads, through its JSON encoding: numbers become float64, times RFC 3339
// strings, nested structs maps.
func ObjectMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("policy object: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("policy object: %w", err)
	}
	return m, nil
}
