package dbarchive_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/dbarchive"
)

// FuzzReader feeds arbitrary bytes to the archive reader: it must never
// panic, and must refuse anything it cannot read with an invalid-input
// error, never accept a stream whose checksums do not hold.
func FuzzReader(f *testing.F) {
	good := sample(f, false)
	f.Add(good)
	f.Add(sample(f, true))
	f.Add(good[:len(good)/2])                                                             // truncated
	f.Add(bytes.Replace(good, []byte(`"sha256":"`), []byte(`"sha256":"ff`), 1))           // corrupted checksum
	f.Add(bytes.Replace(good, []byte(`"unet_archive":1`), []byte(`"unet_archive":9`), 1)) // wrong version
	f.Add(bytes.Replace(good, []byte(`"i:1"`), []byte(`"r:NaN"`), 1))                     // changed cell
	f.Add([]byte(`{"unet_archive":1,"schema_version":1,"engine":"x"}` + "\n" + `{"trailer":true,"tables":[],"rows":0}` + "\n"))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, sum, err := dbarchive.Verify(bytes.NewReader(data))
		if err != nil {
			if unet.ErrorCode(err) != unet.EINVALID && !strings.HasPrefix(err.Error(), "read archive") {
				t.Fatalf("error of code %s: %v", unet.ErrorCode(err), err)
			}
			return
		}
		if h.Format != dbarchive.FormatVersion || h.SchemaVersion <= 0 {
			t.Fatalf("accepted header %+v", h)
		}
		var total int64
		for _, s := range sum.Tables {
			total += s.Rows
		}
		if total != sum.Rows {
			t.Fatalf("accepted summary %+v", sum)
		}
	})
}
