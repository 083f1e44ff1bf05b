package cli

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/unet-dev/unet/service"
)

// jobNotifications is the leader job that delivers notifications.
const jobNotifications = "notifications"

// notifyFlags configure the notification outbox worker.
type notifyFlags struct {
	retryBase, retryMax, giveUp time.Duration
}

// notifyConfig is the [notifications] section of the config file.
type notifyConfig struct {
	RetryBase duration `toml:"retry_base"`
	RetryMax  duration `toml:"retry_max"`
	GiveUp    duration `toml:"give_up"`
}

func (f *notifyFlags) register(fs *pflag.FlagSet) {
	fs.DurationVar(&f.retryBase, "notify-retry-base", 0, "first retry delay of a failed notification, doubled per attempt, with full jitter ([notifications] retry_base; default 1s)")
	fs.DurationVar(&f.retryMax, "notify-retry-max", 0, "longest delay between notification attempts ([notifications] retry_max; default 1h)")
	fs.DurationVar(&f.giveUp, "notify-give-up", 0, "give up on an event this long after its first failed delivery: it becomes a dead letter ([notifications] give_up; default 24h)")
}

// notifyConfig merges the flags over the config file into the worker's
// configuration (zero values take the defaults).
func (f notifyFlags) config(c notifyConfig) (service.NotifyConfig, error) {
	cfg := service.NotifyConfig{RetryBase: time.Duration(c.RetryBase), RetryMax: time.Duration(c.RetryMax), GiveUp: time.Duration(c.GiveUp)}
	if f.retryBase != 0 {
		cfg.RetryBase = f.retryBase
	}
	if f.retryMax != 0 {
		cfg.RetryMax = f.retryMax
	}
	if f.giveUp != 0 {
		cfg.GiveUp = f.giveUp
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--notify-retry-base", cfg.RetryBase}, {"--notify-retry-max", cfg.RetryMax}, {"--notify-give-up", cfg.GiveUp}} {
		if d.v < 0 {
			return cfg, usagef("%s must not be negative", d.name)
		}
	}
	if cfg.RetryBase > 0 && cfg.RetryMax > 0 && cfg.RetryMax < cfg.RetryBase {
		return cfg, usagef("--notify-retry-max (%s) is shorter than --notify-retry-base (%s)", cfg.RetryMax, cfg.RetryBase)
	}
	return cfg, nil
}
