package service

import (
	"encoding/json"

	"github.com/unet-dev/unet"
)

// touched is an object a change set touches, with its image before the
// whole set and after it (JSON null when the object does not exist on that
// side). Approval rules are evaluated on both images.
type touched struct {
	Kind, ID, Name string
	Before, After  json.RawMessage
}

// touchedObjects folds the change rows of a set's operations into one entry
// per object: the first row's before image and the last row's after image,
// in the order objects were first touched.
func touchedObjects(rows [][]unet.Change) []touched {
	idx := map[string]int{}
	var out []touched
	for _, op := range rows {
		for _, c := range op {
			key := c.ObjectKind + "/" + c.ObjectID
			if i, ok := idx[key]; ok {
				out[i].After = c.After
				out[i].Name = c.ObjectName
				continue
			}
			idx[key] = len(out)
			out = append(out, touched{Kind: c.ObjectKind, ID: c.ObjectID, Name: c.ObjectName, Before: c.Before, After: c.After})
		}
	}
	return out
}
