package snmp

import (
	"context"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

func BenchmarkParseSysDescr(b *testing.B) {
	descrs := []string{
		"Cisco IOS Software [Cupertino], ASR1000 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)",
		"Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 9.3(10), RELEASE SOFTWARE Copyright (c) 2002-2022 by Cisco Systems, Inc.",
		"Arista Networks EOS version 4.28.3M running on an Arista Networks DCS-7280SR3-48YC8",
		"Juniper Networks, Inc. mx480 internet router, kernel JUNOS 18.4R3, Build date: 2019-12-18 20:03:42 UTC",
	}
	for b.Loop() {
		for _, d := range descrs {
			ParseSysDescr(d)
		}
	}
}

// BenchmarkPollSNMPD measures one full poll (system group, interfaces,
// HOST-RESOURCES) of a real net-snmp agent on loopback.
func BenchmarkPollSNMPD(b *testing.B) {
	agent := testutil.StartSNMPD(b)
	b.Setenv("UNET_BENCH_COMMUNITY", agent.Community)
	p := Profile{Name: "bench", Version: V2c, CommunityRef: "env:UNET_BENCH_COMMUNITY"}
	target := Target{ID: "bench", Host: agent.Host, Port: agent.Port}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Poll(context.Background(), testSecrets, target, p); err != nil {
			b.Fatal(err)
		}
	}
}
