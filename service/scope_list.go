package service

import (
	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// scopedPage pages through a list (already filtered in SQL, in SQL order),
// keeping only the items keep accepts, so that Items, Next and Total agree
// with the scoped set. cursor gives the Next cursor of an item, in the form
// the list itself accepts.
func scopedPage[T any](p unet.Page, list func(unet.Page) (*unet.List[T], error), keep func(*T) bool, cursor func(*T) string) (*unet.List[T], error) {
	limit := p.Limit
	if limit <= 0 {
		limit = sqlstore.DefaultLimit
	}
	limit = min(limit, sqlstore.MaxLimit)
	if p.Offset < 0 {
		return nil, unet.Errorf(unet.EINVALID, "offset must not be negative")
	}
	if p.Cursor != "" && p.Offset != 0 {
		return nil, unet.Errorf(unet.EINVALID, "use either cursor or offset, not both")
	}
	out := &unet.List[T]{Items: []T{}}
	skip := p.Offset
	collect := func(it T) bool {
		if skip > 0 {
			skip--
			return true
		}
		out.Items = append(out.Items, it)
		return len(out.Items) <= limit
	}
	// The whole scoped set gives Total; without a cursor the same walk
	// collects the page.
	collecting := p.Cursor == ""
	if err := walkPages(unet.Page{}, list, func(it *T) bool {
		if keep(it) {
			out.Total++
			if collecting {
				collecting = collect(*it)
			}
		}
		return true
	}); err != nil {
		return nil, err
	}
	if p.Cursor != "" {
		if err := walkPages(unet.Page{Cursor: p.Cursor}, list, func(it *T) bool {
			return !keep(it) || collect(*it)
		}); err != nil {
			return nil, err
		}
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = cursor(&out.Items[limit-1])
	}
	return out, nil
}

// walkPages walks a cursor-paginated list from p until fn returns false.
func walkPages[T any](p unet.Page, list func(unet.Page) (*unet.List[T], error), fn func(*T) bool) error {
	p.Limit = 1000
	for {
		page, err := list(p)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if !fn(&page.Items[i]) {
				return nil
			}
		}
		if page.Next == "" {
			return nil
		}
		p.Cursor = page.Next
	}
}
