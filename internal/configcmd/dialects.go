package configcmd

import (
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// dialectHelp is the --dialect flag help of the commands that parse any
// dialect configtree knows.
func dialectHelp() string {
	return "configuration dialect: " + strings.Join(configtree.Dialects(), ", ") + " (or a netutils name such as cisco_ios, fortinet_fortios)"
}
