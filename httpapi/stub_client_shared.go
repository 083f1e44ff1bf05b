package httpapi

// STUB (remove together with the last stub_client_*.go file that uses it).

import "github.com/unet-dev/unet"

func notYetClient() error { return unet.Errorf(unet.EINTERNAL, "not implemented yet") }
