package snmp

import (
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// VendorName returns the vendor for an IANA private enterprise number, or ""
// when it is not known.
func VendorName(enterprise uint32) string {
	switch enterprise {
	case 9:
		return "cisco"
	case 11:
		return "hp"
	case 43:
		return "3com"
	case 674:
		return "dell"
	case 1916:
		return "extreme"
	case 1991:
		return "brocade"
	case 2011:
		return "huawei"
	case 2620:
		return "checkpoint"
	case 2636:
		return "juniper"
	case 3375:
		return "f5"
	case 4526:
		return "netgear"
	case 4874:
		return "juniper"
	case 6027:
		return "dell"
	case 6486:
		return "nokia"
	case 6527:
		return "nokia"
	case 6876:
		return "vmware"
	case 8072:
		return "net-snmp"
	case 12325:
		return "freebsd"
	case 12356:
		return "fortinet"
	case 14823:
		return "aruba"
	case 14988:
		return "mikrotik"
	case 25461:
		return "paloaltonetworks"
	case 25506:
		return "h3c"
	case 30065:
		return "arista"
	case 41112:
		return "ubiquiti"
	case 47196:
		return "hpe"
	}
	return ""
}

// enterpriseNumber extracts the private enterprise number from a
// sysObjectID (1.3.6.1.4.1.N...); 0 when the OID is not under enterprises.
func enterpriseNumber(objectID string) uint32 {
	rest, ok := strings.CutPrefix("."+strings.TrimPrefix(objectID, "."), oidEnterprises+".")
	if !ok {
		return 0
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.ParseUint(num, 10, 32)
	if err != nil {
		return 0
	}
	return uint32(n)
}

// VendorFromObjectID returns the enterprise number and vendor name of a
// sysObjectID such as "1.3.6.1.4.1.9.1.1208" (9, "cisco").
func VendorFromObjectID(objectID string) (uint32, string) {
	n := enterpriseNumber(objectID)
	return n, VendorName(n)
}

// vendorValues holds the first row of each known CPU/memory object, read
// with one GETNEXT each in the first request of a poll. Only the first row
// is read: the main CPU and processor memory pool on Cisco, the first
// routing engine on Juniper, the first processor and storage entry in
// HOST-RESOURCES-MIB (which is physical memory on EOS and net-snmp).
type vendorValues struct {
	ciscoCPU, ciscoMemUsedKiB, ciscoMemFreeKiB optUint
	ciscoPoolUsed, ciscoPoolFree               optUint
	jnxCPU, jnxBufferPct, jnxMemoryMiB         optUint
	hrLoad, hrAllocUnits, hrSize, hrUsed       optUint
	hrStorageIsRAM                             bool
}

type optUint struct {
	v  uint64
	ok bool
}

func (o *optUint) setter(prefix string) func(gosnmp.SnmpPDU) {
	return func(v gosnmp.SnmpPDU) {
		if strings.HasPrefix(v.Name, prefix+".") {
			o.v, o.ok = asUint64(v)
		}
	}
}

func (vv *vendorValues) probes() []scalar {
	p := func(oid string, o *optUint) scalar { return scalar{oid: oid, set: o.setter(oid)} }
	// Juniper routing engines are the jnxOperatingTable rows 9.x.0.0.
	re := func(col string, o *optUint) scalar { return scalar{oid: col + ".9", set: o.setter(col + ".9")} }
	return []scalar{
		p(oidCiscoCPU5min, &vv.ciscoCPU),
		p(oidCiscoCPUMemUsed, &vv.ciscoMemUsedKiB),
		p(oidCiscoCPUMemFree, &vv.ciscoMemFreeKiB),
		p(oidCiscoMemPoolUsed, &vv.ciscoPoolUsed),
		p(oidCiscoMemPoolFree, &vv.ciscoPoolFree),
		re(oidJnxOperatingCPU, &vv.jnxCPU),
		re(oidJnxOperatingBuffer, &vv.jnxBufferPct),
		re(oidJnxOperatingMemory, &vv.jnxMemoryMiB),
		p(oidHrProcessorLoad, &vv.hrLoad),
		{oid: oidHrStorageType, set: func(v gosnmp.SnmpPDU) {
			if strings.HasPrefix(v.Name, oidHrStorageType+".") {
				vv.hrStorageIsRAM = asOID(v) == strings.TrimPrefix(oidHrStorageRAM, ".")
			}
		}},
		p(oidHrStorageAllocUnits, &vv.hrAllocUnits),
		p(oidHrStorageSize, &vv.hrSize),
		p(oidHrStorageUsed, &vv.hrUsed),
	}
}

// apply fills CPU and memory of res, preferring the vendor's own MIB and
// falling back to HOST-RESOURCES-MIB.
func (vv *vendorValues) apply(res *PollResult) {
	setCPU := func(v uint64) {
		f := float64(v)
		res.CPUPercent = &f
	}
	setMem := func(used, total uint64) {
		res.MemoryUsed, res.MemoryTotal = &used, &total
	}
	switch res.Vendor {
	case "cisco":
		if vv.ciscoCPU.ok {
			setCPU(vv.ciscoCPU.v)
		}
		switch {
		case vv.ciscoMemUsedKiB.ok && vv.ciscoMemFreeKiB.ok:
			used := vv.ciscoMemUsedKiB.v * 1024
			setMem(used, used+vv.ciscoMemFreeKiB.v*1024)
		case vv.ciscoPoolUsed.ok && vv.ciscoPoolFree.ok:
			setMem(vv.ciscoPoolUsed.v, vv.ciscoPoolUsed.v+vv.ciscoPoolFree.v)
		}
	case "juniper":
		if vv.jnxCPU.ok {
			setCPU(vv.jnxCPU.v)
		}
		if vv.jnxBufferPct.ok && vv.jnxMemoryMiB.ok && vv.jnxMemoryMiB.v > 0 {
			total := vv.jnxMemoryMiB.v << 20
			setMem(total*vv.jnxBufferPct.v/100, total)
		}
	}
	if res.CPUPercent == nil && vv.hrLoad.ok {
		setCPU(vv.hrLoad.v)
	}
	if res.MemoryTotal == nil && vv.hrStorageIsRAM && vv.hrSize.ok && vv.hrUsed.ok && vv.hrAllocUnits.ok && vv.hrSize.v > 0 {
		setMem(vv.hrUsed.v*vv.hrAllocUnits.v, vv.hrSize.v*vv.hrAllocUnits.v)
	}
}
