package secret

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseKeyForms(t *testing.T) {
	raw := bytes.Repeat([]byte{0xA5}, KeySize)
	forms := map[string][]byte{
		"hex":        []byte(hex.EncodeToString(raw)),
		"base64":     []byte(base64.StdEncoding.EncodeToString(raw) + "\n"),
		"raw base64": []byte(base64.RawURLEncoding.EncodeToString(raw)),
		"raw bytes":  raw,
	}
	var id string
	for name, m := range forms {
		k, err := ParseKey(m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if id == "" {
			id = k.ID()
		} else if k.ID() != id {
			t.Errorf("%s: key id %s differs from %s", name, k.ID(), id)
		}
	}
	for _, bad := range [][]byte{[]byte("short"), bytes.Repeat([]byte{1}, 31), []byte(strings.Repeat("z", 64))} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

func TestSealOpen(t *testing.T) {
	k1, _ := ParseKey(bytes.Repeat([]byte{1}, KeySize))
	k2, _ := ParseKey(bytes.Repeat([]byte{2}, KeySize))
	s, err := k1.Seal("snmp", "public")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(s.Ciphertext, []byte("public")) || s.KeyID != k1.ID() {
		t.Fatalf("sealed value %+v", s)
	}
	v, err := k1.Open("snmp", s)
	if err != nil || v.Reveal() != "public" {
		t.Fatalf("Open = %q, %v", v.Reveal(), err)
	}
	if _, err := k2.Open("snmp", s); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), k1.ID()) {
		t.Errorf("Open with another key = %v", err)
	}
	if _, err := k1.Open("other", s); !errors.Is(err, ErrWrongKey) {
		t.Errorf("Open under another name = %v", err)
	}
	s.Ciphertext[0] ^= 1
	if _, err := k1.Open("snmp", s); !errors.Is(err, ErrWrongKey) {
		t.Errorf("Open of altered value = %v", err)
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	raw := append(bytes.Repeat([]byte{7}, KeySize-1), '\n')
	p := filepath.Join(dir, "raw.key")
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(context.Background(), "file:"+p, nil); err != nil {
		t.Fatalf("raw key ending in a newline byte: %v", err)
	}
	env := func(string) (string, bool) { return hex.EncodeToString(bytes.Repeat([]byte{3}, KeySize)), true }
	if _, err := LoadKey(context.Background(), "env:K", env); err != nil {
		t.Fatalf("env key: %v", err)
	}
	literal := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, KeySize))
	for _, ref := range []string{literal, "db:key"} {
		_, err := LoadKey(context.Background(), ref, env)
		if !errors.Is(err, ErrInvalidRef) || strings.Contains(err.Error(), literal) {
			t.Errorf("LoadKey(%q) = %v", ref, err)
		}
	}
}

func TestKeyring(t *testing.T) {
	oldK, _ := ParseKey(bytes.Repeat([]byte{1}, KeySize))
	newK, _ := ParseKey(bytes.Repeat([]byte{2}, KeySize))
	otherK, _ := ParseKey(bytes.Repeat([]byte{3}, KeySize))
	before, err := oldK.Seal("snmp", "public")
	if err != nil {
		t.Fatal(err)
	}
	kr := NewKeyring(newK, oldK)
	if v, err := kr.Open("snmp", before); err != nil || v.Reveal() != "public" {
		t.Fatalf("open with a previous key: %q %v", v.Reveal(), err)
	}
	after, err := kr.Seal("snmp", "public")
	if err != nil || after.KeyID != newK.ID() {
		t.Fatalf("seal uses the primary key: %+v %v", after, err)
	}
	stray, _ := otherK.Seal("snmp", "public")
	_, err = kr.Open("snmp", stray)
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), otherK.ID()) ||
		!strings.Contains(err.Error(), "is "+newK.ID()+" (previous: "+oldK.ID()+")") {
		t.Fatalf("open with an unknown key: %v", err)
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add([]byte(hex.EncodeToString(bytes.Repeat([]byte{1}, KeySize))))
	f.Add([]byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, KeySize))))
	f.Add(bytes.Repeat([]byte{3}, KeySize))
	f.Add([]byte("short"))
	f.Fuzz(func(t *testing.T, material []byte) {
		k, err := ParseKey(material)
		if err != nil {
			if strings.Contains(err.Error(), string(material)) && len(material) > 8 {
				t.Fatalf("error repeats the key material: %v", err)
			}
			return
		}
		s, err := k.Seal("n", "v")
		if err != nil {
			t.Fatal(err)
		}
		if v, err := k.Open("n", s); err != nil || v.Reveal() != "v" {
			t.Fatalf("round trip: %q %v", v.Reveal(), err)
		}
	})
}
