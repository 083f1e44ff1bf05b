package service

// STUB support: the placeholders of the parts still to build fail with
// notYet. Delete this file with the last of them.

import "github.com/unet-dev/unet"

func notYet() error { return unet.Errorf(unet.EINTERNAL, "not implemented yet") }
