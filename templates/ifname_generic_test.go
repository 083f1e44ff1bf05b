package templates

import "testing"

func TestGenericPlatformKeepsNames(t *testing.T) {
	for _, name := range []string{"ethernet1/1", "port1", "eth0"} {
		for _, f := range []func(string, string) (string, error){InterfaceCanonical, InterfaceShort} {
			got, err := f(name, "generic")
			if err != nil || got != name {
				t.Errorf("%q on generic: %q, %v", name, got, err)
			}
		}
	}
}
