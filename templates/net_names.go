package templates

import (
	"github.com/unet-dev/unet/jinja"
)

// netInterfaceName returns canonical_interface_name(platform=None) or
// abbreviated_interface_name(platform=None), which rewrite an interface name
// with convert.
func netInterfaceName(name string, convert func(name, platform string) (string, error)) jinja.FilterFunc {
	return func(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
		args, err := a.Bind(name, 0, "platform")
		if err != nil {
			return nil, err
		}
		platform, err := argStr(args[0], "")
		if err != nil {
			return nil, err
		}
		in, err := netInput(v)
		if err != nil {
			return nil, err
		}
		return convert(in, platform)
	}
}

// netMACFormat is mac_format(style='colon'): a MAC address in any common
// notation rewritten in style.
func netMACFormat(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	args, err := a.Bind("mac_format", 0, "style")
	if err != nil {
		return nil, err
	}
	style, err := argStr(args[0], "colon")
	if err != nil {
		return nil, err
	}
	in, err := netInput(v)
	if err != nil {
		return nil, err
	}
	return MACFormat(in, style)
}
