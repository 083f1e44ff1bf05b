package telemetry

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// config is what the OTEL_* environment asks of tracing.
type config struct {
	enabled     bool
	serviceName string
	batch       batchConfig
}

// readConfig reads the standard variables (getenv is os.Getenv outside
// tests). Tracing is on when OTEL_TRACES_EXPORTER is "otlp" or an OTLP
// endpoint is set, unless OTEL_SDK_DISABLED is "true" or
// OTEL_TRACES_EXPORTER is "none". Only the OTLP/HTTP protobuf exporter is
// built in: any other exporter or protocol is an error, not a silent no-op.
func readConfig(getenv func(string) string, defaultName string) (config, error) {
	c := config{serviceName: defaultName}
	if disabled, _ := strconv.ParseBool(strings.TrimSpace(getenv("OTEL_SDK_DISABLED"))); disabled {
		return c, nil
	}
	exporter := strings.ToLower(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")))
	endpoint := getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
	switch exporter {
	case "none":
		return c, nil
	case "otlp":
		c.enabled = true
	case "":
		c.enabled = endpoint
	default:
		return c, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: only \"otlp\" (or \"none\") is supported", exporter)
	}
	if !c.enabled {
		return c, nil
	}
	for _, key := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if p := strings.TrimSpace(getenv(key)); p != "" {
			if p != "http/protobuf" {
				return c, fmt.Errorf("%s=%q: only http/protobuf is built in (OTLP over HTTP with protobuf bodies); use an OTLP/HTTP endpoint, usually port 4318", key, p)
			}
			break
		}
	}
	if err := checkSampler(getenv("OTEL_TRACES_SAMPLER"), getenv("OTEL_TRACES_SAMPLER_ARG")); err != nil {
		return c, err
	}
	var err error
	c.batch, err = readBatchConfig(getenv)
	return c, err
}

// checkSampler refuses a sampler the SDK would only complain about in its
// log before falling back to its default. The SDK itself applies the sampler
// from the environment.
func checkSampler(name, arg string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	switch name {
	case "", "always_on", "always_off", "parentbased_always_on", "parentbased_always_off":
		return nil
	case "traceidratio", "parentbased_traceidratio":
		if strings.TrimSpace(arg) == "" {
			return nil
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(arg), 64)
		if err != nil || r < 0 || r > 1 {
			return fmt.Errorf("OTEL_TRACES_SAMPLER_ARG=%q: want a ratio between 0 and 1", arg)
		}
		return nil
	}
	return fmt.Errorf("OTEL_TRACES_SAMPLER=%q: want always_on, always_off, traceidratio or their parentbased_ forms", name)
}

// getenv is the environment lookup of Setup.
var getenv = os.Getenv
