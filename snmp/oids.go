package snmp

// Object identifiers polled, in the dotted form gosnmp returns (leading dot).
const (
	oidSysDescr    = ".1.3.6.1.2.1.1.1"
	oidSysObjectID = ".1.3.6.1.2.1.1.2"
	oidSysUpTime   = ".1.3.6.1.2.1.1.3"
	oidSysContact  = ".1.3.6.1.2.1.1.4"
	oidSysName     = ".1.3.6.1.2.1.1.5"
	oidSysLocation = ".1.3.6.1.2.1.1.6"

	oidIfEntry  = ".1.3.6.1.2.1.2.2.1"
	oidIfXEntry = ".1.3.6.1.2.1.31.1.1.1"

	oidEnterprises = ".1.3.6.1.4.1"

	// CISCO-PROCESS-MIB cpmCPUTotalEntry and CISCO-MEMORY-POOL-MIB.
	oidCiscoCPU5min     = ".1.3.6.1.4.1.9.9.109.1.1.1.1.8"  // cpmCPUTotal5minRev, percent
	oidCiscoCPUMemUsed  = ".1.3.6.1.4.1.9.9.109.1.1.1.1.12" // cpmCPUMemoryUsed, KiB
	oidCiscoCPUMemFree  = ".1.3.6.1.4.1.9.9.109.1.1.1.1.13" // cpmCPUMemoryFree, KiB
	oidCiscoMemPoolUsed = ".1.3.6.1.4.1.9.9.48.1.1.1.5"     // ciscoMemoryPoolUsed, bytes
	oidCiscoMemPoolFree = ".1.3.6.1.4.1.9.9.48.1.1.1.6"     // ciscoMemoryPoolFree, bytes

	// JUNIPER-MIB jnxOperatingTable; rows 9.x.0.0 are routing engines.
	oidJnxOperatingCPU    = ".1.3.6.1.4.1.2636.3.1.13.1.8"  // percent
	oidJnxOperatingBuffer = ".1.3.6.1.4.1.2636.3.1.13.1.11" // memory used, percent
	oidJnxOperatingMemory = ".1.3.6.1.4.1.2636.3.1.13.1.15" // installed memory, MiB

	// HOST-RESOURCES-MIB (Arista EOS, net-snmp on Linux, many others).
	oidHrProcessorLoad     = ".1.3.6.1.2.1.25.3.3.1.2"
	oidHrStorageType       = ".1.3.6.1.2.1.25.2.3.1.2"
	oidHrStorageAllocUnits = ".1.3.6.1.2.1.25.2.3.1.4"
	oidHrStorageSize       = ".1.3.6.1.2.1.25.2.3.1.5"
	oidHrStorageUsed       = ".1.3.6.1.2.1.25.2.3.1.6"
	oidHrStorageRAM        = ".1.3.6.1.2.1.25.2.1.2"
)

// Columns of ifTable (ifEntry) and ifXTable (ifXEntry) that are polled.
const (
	colIfDescr       = oidIfEntry + ".2"
	colIfType        = oidIfEntry + ".3"
	colIfMtu         = oidIfEntry + ".4"
	colIfSpeed       = oidIfEntry + ".5"
	colIfPhysAddress = oidIfEntry + ".6"
	colIfAdminStatus = oidIfEntry + ".7"
	colIfOperStatus  = oidIfEntry + ".8"
	colIfLastChange  = oidIfEntry + ".9"
	colIfInOctets    = oidIfEntry + ".10"
	colIfInUcastPkts = oidIfEntry + ".11"
	colIfInDiscards  = oidIfEntry + ".13"
	colIfInErrors    = oidIfEntry + ".14"
	colIfOutOctets   = oidIfEntry + ".16"
	colIfOutUcast    = oidIfEntry + ".17"
	colIfOutDiscards = oidIfEntry + ".19"
	colIfOutErrors   = oidIfEntry + ".20"

	colIfName          = oidIfXEntry + ".1"
	colIfHCInOctets    = oidIfXEntry + ".6"
	colIfHCInUcastPkts = oidIfXEntry + ".7"
	colIfHCOutOctets   = oidIfXEntry + ".10"
	colIfHCOutUcast    = oidIfXEntry + ".11"
	colIfHighSpeed     = oidIfXEntry + ".15"
	colIfAlias         = oidIfXEntry + ".18"
)
