package snmp_test

import (
	"fmt"

	"github.com/unet-dev/unet/snmp"
)

func ExampleParseSysDescr() {
	sw := snmp.ParseSysDescr("Cisco IOS Software [Cupertino], ASR1000 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)")
	fmt.Println(sw.Platform, sw.Version)
	fmt.Println(snmp.SameVersion(sw.Version, "17.09.04a"))
	// Output:
	// ios-xe 17.9.4a
	// true
}

func ExampleVendorFromObjectID() {
	num, vendor := snmp.VendorFromObjectID("1.3.6.1.4.1.30065.1.3011.7050.3741.64")
	fmt.Println(num, vendor)
	// Output: 30065 arista
}

func ExampleProfile_Validate() {
	p := snmp.Profile{Name: "core", Version: snmp.V3, User: "unet", AuthProto: snmp.AuthSHA256, PrivProto: snmp.PrivAES}
	fmt.Println(p.Validate())
	// Output: invalid SNMP profile core: auth_key_ref: is required with auth_proto sha256; priv_key_ref: is required with priv_proto aes
}
