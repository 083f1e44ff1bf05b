package httpapi_test

import (
	"reflect"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/sqlstore"
)

// The readiness probe's database declares CheckWrites: a database that
// cannot tell whether writes work does not satisfy it, rather than being
// probed without that check.
var _ httpapi.Database = (*sqlstore.DB)(nil)

func TestReadinessDatabaseDeclaresCheckWrites(t *testing.T) {
	if _, ok := reflect.TypeFor[httpapi.Database]().MethodByName("CheckWrites"); !ok {
		t.Fatal("httpapi.Database does not declare CheckWrites")
	}
}
