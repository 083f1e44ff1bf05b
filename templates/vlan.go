package templates

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxVLAN is the highest VLAN ID.
const maxVLAN = 4094

// VLANExpand expands a VLAN list such as "1-3,7" (spaces allowed) to the
// sorted, de-duplicated IDs [1 2 3 7]. IDs must be within 1-4094.
func VLANExpand(list string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := vlanID(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = vlanID(hi); err != nil {
				return nil, err
			}
			if b < a {
				return nil, fmt.Errorf("VLAN range %q is reversed", part)
			}
		}
		for v := a; v <= b; v++ {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func vlanID(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > maxVLAN {
		return 0, fmt.Errorf("%q is not a VLAN ID (1-%d)", strings.TrimSpace(s), maxVLAN)
	}
	return n, nil
}

// VLANCompress writes VLAN IDs as a compact list: [1 2 3 7] -> "1-3,7".
// IDs are sorted and de-duplicated; two consecutive IDs stay separate
// ("1,2"), as network operating systems print them.
func VLANCompress(ids []int) (string, error) {
	s := slices.Clone(ids)
	for _, v := range s {
		if v < 1 || v > maxVLAN {
			return "", fmt.Errorf("%d is not a VLAN ID (1-%d)", v, maxVLAN)
		}
	}
	slices.Sort(s)
	s = slices.Compact(s)
	var parts []string
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(s[i]))
		case j == i+1:
			parts = append(parts, strconv.Itoa(s[i]), strconv.Itoa(s[j]))
		default:
			parts = append(parts, strconv.Itoa(s[i])+"-"+strconv.Itoa(s[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ","), nil
}
