package snmp

import "testing"

// Real sysDescr values as devices return them (line breaks included).
func TestParseSysDescr(t *testing.T) {
	tests := []struct {
		descr    string
		platform Platform
		version  string
	}{
		// Cisco IOS
		{"Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3, RELEASE SOFTWARE (fc3)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2020 by Cisco Systems, Inc.\r\nCompiled Tue 18-Aug-20 05:24 by prod_rel_team", PlatformIOS, "15.2(7)E3"},
		{"Cisco Internetwork Operating System Software \r\nIOS (tm) C2950 Software (C2950-I6Q4L2-M), Version 12.1(22)EA14, RELEASE SOFTWARE (fc1)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2010 by cisco Systems, Inc.\r\nCompiled Tue 26-Oct-10 10:35 by nburra", PlatformIOS, "12.1(22)EA14"},
		{"Cisco IOS Software, 3800 Software (C3845-ADVENTERPRISEK9-M), Version 12.4(24)T8, RELEASE SOFTWARE (fc1)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2012 by Cisco Systems, Inc.\r\nCompiled Tue 31-Jul-12 15:02 by prod_rel_team", PlatformIOS, "12.4(24)T8"},
		{"Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.0(2)SE11, RELEASE SOFTWARE (fc3)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2017 by Cisco Systems, Inc.\r\nCompiled Sat 19-Aug-17 09:34 by prod_rel_team", PlatformIOS, "15.0(2)SE11"},
		{"Cisco IOS Software, C180X Software (C180X-ADVIPSERVICESK9-M), Version 12.4(15)T7, RELEASE SOFTWARE (fc3)", PlatformIOS, "12.4(15)T7"},
		{"Cisco IOS Software, Catalyst 4500 L3 Switch  Software (cat4500es8-UNIVERSALK9-M), Version 15.2(2)E3, RELEASE SOFTWARE (fc1)", PlatformIOS, "15.2(2)E3"},
		{"Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M5, RELEASE SOFTWARE (fc1)", PlatformIOS, "15.7(3)M5"},
		// Cisco IOS XE
		{"Cisco IOS Software, IOS-XE Software, Catalyst 4500 L3 Switch Software (cat4500e-UNIVERSALK9-M), Version 03.06.06.E RELEASE SOFTWARE (fc1)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2016 by Cisco Systems, Inc.", PlatformIOSXE, "03.06.06.E"},
		{"Cisco IOS Software, IOS-XE Software, Catalyst 4500 L3 Switch Software (cat4500e-UNIVERSALK9-M), Version 03.04.00.SG RELEASE SOFTWARE (fc3)", PlatformIOSXE, "03.04.00.SG"},
		{"Cisco IOS Software [Denali], Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 16.3.7, RELEASE SOFTWARE (fc4)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2018 by Cisco Systems, Inc.", PlatformIOSXE, "16.3.7"},
		{"Cisco IOS Software [Gibraltar], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 16.12.4, RELEASE SOFTWARE (fc5)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2020 by Cisco Systems, Inc.\r\nCompiled Thu 09-Jul-20 21:49 by mcpre", PlatformIOSXE, "16.12.4"},
		{"Cisco IOS Software [Bengaluru], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.6.4, RELEASE SOFTWARE (fc1)", PlatformIOSXE, "17.6.4"},
		{"Cisco IOS Software [Cupertino], ASR1000 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)", PlatformIOSXE, "17.9.4a"},
		{"Cisco IOS XE Software, Version 17.03.04a\r\nCisco IOS Software [Amsterdam], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.3.4a, RELEASE SOFTWARE (fc3)", PlatformIOSXE, "17.03.04a"},
		{"Cisco IOS Software, ASR1000 Software (PPC_LINUX_IOSD-ADVENTERPRISEK9-M), Version 15.2(4)S5, RELEASE SOFTWARE (fc1)", PlatformIOSXE, "15.2(4)S5"},
		{"Cisco IOS Software, CSR1000V Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 15.5(3)S4a, RELEASE SOFTWARE (fc1)", PlatformIOSXE, "15.5(3)S4a"},
		{"Cisco IOS Software, Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 16.9.5, RELEASE SOFTWARE (fc2)", PlatformIOSXE, "16.9.5"},
		// Cisco NX-OS
		{"Cisco NX-OS(tm) n5000, Software (n5000-uk9), Version 5.2(1)N1(5), RELEASE SOFTWARE Copyright (c) 2002-2011 by Cisco Systems, Inc. Device Manager Version 6.1(1),  Compiled 6/27/2013 16:00:00", PlatformNXOS, "5.2(1)N1(5)"},
		{"Cisco NX-OS(tm) n6000, Software (n6000-uk9), Version 7.1(4)N1(1), RELEASE SOFTWARE Copyright (c) 2002-2012 by Cisco Systems, Inc. Device Manager Version 6.0(2)N1(1),Compiled 6/8/2016 22:00:00", PlatformNXOS, "7.1(4)N1(1)"},
		{"Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 6.1(2)I2(2b), RELEASE SOFTWARE Copyright (c) 2002-2013 by Cisco Systems, Inc. Compiled 8/7/2014 15:00:00", PlatformNXOS, "6.1(2)I2(2b)"},
		{"Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 9.3(10), RELEASE SOFTWARE Copyright (c) 2002-2022 by Cisco Systems, Inc. Compiled 8/25/2022 12:00:00", PlatformNXOS, "9.3(10)"},
		{"Cisco NX-OS(tm) n7000, Software (n7000-s2-dk9), Version 8.4(2), RELEASE SOFTWARE Copyright (c) 2002-2019 by Cisco Systems, Inc. Compiled 12/2/2019 3:00:00", PlatformNXOS, "8.4(2)"},
		{"Cisco NX-OS(tm) Nexus9000 C93240YC-FX2, Software (NXOS 64-bit), Version 10.2(5), RELEASE SOFTWARE Copyright (c) 2002-2023 by Cisco Systems, Inc. Compiled 3/10/2023 2:00:00", PlatformNXOS, "10.2(5)"},
		// Cisco IOS XR
		{"Cisco IOS XR Software (Cisco ASR9K Series),  Version 6.4.2[Default]\r\nCopyright (c) 2019 by Cisco Systems, Inc.", PlatformIOSXR, "6.4.2"},
		{"Cisco IOS XR Software (Cisco ASR9K Series), Version 4.2.3[Default] Copyright (c) 2013 by Cisco Systems, Inc.", PlatformIOSXR, "4.2.3"},
		{"Cisco IOS XR Software (Cisco 12404/PRP), Version 3.6.0[00] Copyright (c) 2007 by Cisco Systems, Inc.", PlatformIOSXR, "3.6.0"},
		{"Cisco IOS XR Software (Cisco CRS-8/S) Version 5.1.3[Default] Copyright (c) 2014 by Cisco Systems Inc.", PlatformIOSXR, "5.1.3"},
		{"Cisco IOS XR Software (NCS-5500), Version 7.5.2\r\nCopyright (c) 2013-2022 by Cisco Systems, Inc.", PlatformIOSXR, "7.5.2"},
		// Arista EOS
		{"Arista Networks EOS version 4.22.4M running on an Arista Networks DCS-7050SX-64", PlatformEOS, "4.22.4M"},
		{"Arista Networks EOS version 4.28.3M running on an Arista Networks DCS-7280SR3-48YC8", PlatformEOS, "4.28.3M"},
		{"Arista Networks EOS version 4.21.1.1F running on an Arista Networks DCS-7160-48YC6", PlatformEOS, "4.21.1.1F"},
		{"Arista Networks EOS version 4.30.5M running on an Arista Networks vEOS-lab", PlatformEOS, "4.30.5M"},
		{"Arista Networks EOS version 4.24.2.4F-INT running on an Arista Networks DCS-7050CX3-32S", PlatformEOS, "4.24.2.4F"},
		// Juniper JunOS
		{"Juniper Networks, Inc. ex2200-24t-4g Ethernet Switch, kernel JUNOS 12.3R12.4, Build date: 2016-01-20 05:03:30 UTC Copyright (c) 1996-2016 Juniper Networks, Inc.", PlatformJunOS, "12.3R12.4"},
		{"Juniper Networks, Inc. ex4500-40f Ethernet Switch, kernel JUNOS 12.3R3.4, Build date: 2013-06-14 01:37:19 UTC Copyright (c) 1996-2013 Juniper Networks, Inc.", PlatformJunOS, "12.3R3.4"},
		{"Juniper Networks, Inc. qfx10008 Ethernet Switch, kernel JUNOS 15.1X53-D65.3, Build date: 2017-09-20 00:09:26 UTC Copyright (c) 1996-2017 Juniper Networks, Inc.", PlatformJunOS, "15.1X53-D65.3"},
		{"Juniper Networks, Inc. ex4300-48t Ethernet Switch, kernel JUNOS 18.4R2-S3.3, Build date: 2020-01-16 22:36:37 UTC Copyright (c) 1996-2020 Juniper Networks, Inc.", PlatformJunOS, "18.4R2-S3.3"},
		{"Juniper Networks, Inc. vqfx-10000 internet router, kernel JUNOS 19.4R1.10, Build date: 2019-12-19 03:55:01 UTC Copyright (c) 1996-2019 Juniper Networks, Inc.", PlatformJunOS, "19.4R1.10"},
		{"Juniper Networks, Inc. m320 internet router, kernel JUNOS 10.1R3.7 #0: 2010-07-10 05:44:37 UTC     builder@warth.juniper.net:/volume/build/junos/10.1/release/10.1R3.7/obj-i386/bsd/sys/compile/JUNIPER Build date: 2010-07-10 04:33:24 UTC Copyright (c) 1996-2010 Juniper Networks, Inc.", PlatformJunOS, "10.1R3.7"},
		{"Juniper Networks, Inc. srx240h2 internet router, kernel JUNOS 12.1X44-D45.2 #0: 2015-01-13 21:56:34 UTC", PlatformJunOS, "12.1X44-D45.2"},
		{"Juniper Networks, Inc. mx480 internet router, kernel JUNOS 18.4R3, Build date: 2019-12-18 20:03:42 UTC", PlatformJunOS, "18.4R3"},
		{"Juniper Networks, Inc. ptx10003-160c internet router, kernel JUNOS 21.2R1.10-EVO, Build date: 2021-06-16 08:44:10 UTC Copyright (c) 1996-2021 Juniper Networks, Inc.", PlatformJunOS, "21.2R1.10-EVO"},
		// Not a recognised network OS
		{"Linux vm 6.18.44 #1 SMP PREEMPT_DYNAMIC x86_64", PlatformUnknown, ""},
		{"HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900", PlatformUnknown, ""},
		{"", PlatformUnknown, ""},
		{"Cisco IOS Software", PlatformIOS, ""},
	}
	if len(tests) < 25 {
		t.Fatalf("want at least 25 cases, have %d", len(tests))
	}
	for _, tt := range tests {
		got := ParseSysDescr(tt.descr)
		if got.Platform != tt.platform || got.Version != tt.version {
			t.Errorf("ParseSysDescr(%q)\n got  %q %q\n want %q %q", tt.descr, got.Platform, got.Version, tt.platform, tt.version)
		}
	}
}

func TestSameVersion(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"17.03.04a", "17.3.4a", true},
		{"15.2(7)E3", "15.2(7)e3", true},
		{"03.06.06.E", "3.6.6.E", true},
		{"4.28.3M", "4.28.3M", true},
		{"10.0.1", "10.1", false},
		{"20.4R3-S4.8", "20.4R3-S4.9", false},
		{"", "", true},
	}
	for _, tt := range tests {
		if got := SameVersion(tt.a, tt.b); got != tt.want {
			t.Errorf("SameVersion(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestVendorFromObjectID(t *testing.T) {
	tests := []struct {
		oid    string
		num    uint32
		vendor string
	}{
		{"1.3.6.1.4.1.9.1.1208", 9, "cisco"},
		{".1.3.6.1.4.1.2636.1.1.1.2.31", 2636, "juniper"},
		{"1.3.6.1.4.1.30065.1.3011.7050.3741.64", 30065, "arista"},
		{"1.3.6.1.4.1.8072.3.2.10", 8072, "net-snmp"},
		{"1.3.6.1.4.1.99999.1", 99999, ""},
		{"1.3.6.1.2.1.1", 0, ""},
		{"", 0, ""},
		{"1.3.6.1.4.1.", 0, ""},
		{"1.3.6.1.4.1.99999999999", 0, ""},
	}
	for _, tt := range tests {
		n, v := VendorFromObjectID(tt.oid)
		if n != tt.num || v != tt.vendor {
			t.Errorf("VendorFromObjectID(%q) = %d %q, want %d %q", tt.oid, n, v, tt.num, tt.vendor)
		}
	}
}

func FuzzParseSysDescr(f *testing.F) {
	for _, s := range []string{
		"Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3, RELEASE SOFTWARE (fc3)",
		"Arista Networks EOS version 4.22.4M running on an Arista Networks DCS-7050SX-64",
		"Juniper Networks, Inc. mx480 internet router, kernel JUNOS 18.4R3, Build date",
		"Cisco IOS XR Software (NCS-5500), Version 7.5.2",
		"Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 9.3(10)",
		"Version ", "JUNOS ", "EOS version -",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, descr string) {
		sw := ParseSysDescr(descr)
		if sw.Platform == PlatformUnknown && sw.Version != "" {
			t.Fatalf("version %q without platform", sw.Version)
		}
		_ = SameVersion(sw.Version, descr)
	})
}
