package cli

import "github.com/unet-dev/unet/httpapi"

// workerHealth reports the server's background workers to /readyz: their
// last progress and interval (nil: no worker reports its progress).
var workerHealth func() []httpapi.WorkerHealth
