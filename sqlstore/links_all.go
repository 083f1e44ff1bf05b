package sqlstore

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
)

// AllLinks returns every link in list order (A end's FQDN and interface,
// then ID) in one query: a full evaluation reads them all, and paging
// through them sorts the joined table once a page.
func (r Reader) AllLinks(ctx context.Context) ([]unet.Link, error) {
	links, err := queryItems(ctx, r, linkSelect+` ORDER BY (a.fqdn || ':' || l.a_interface), l.id`, nil, scanLink)
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	return links, nil
}
