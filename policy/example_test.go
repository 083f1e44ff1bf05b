package policy_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/unet-dev/unet/policy"
)

func Example() {
	src := `RULE "iosxe-min-version" SEVERITY high
WHEN node.platform == "iosxe" THEN ASSERT version(node.software_version) >= version("17.9.4")

RULE "core-monitoring"
WHEN node.role IN ["core", "spine"] THEN { SET custom_data.monitoring.tier TO "gold"; APPLY "ios/base.j2" }`
	f, err := policy.ParseFile("site.rules", []byte(src))
	if err != nil {
		fmt.Print(err.(policy.ErrorList).Pretty())
		return
	}
	prog, err := policy.Compile(f)
	if err != nil {
		fmt.Print(err.(policy.ErrorList).Pretty())
		return
	}
	node := map[string]any{
		"id": "n1", "name": "lon-core-01", "platform": "iosxe", "role": "core",
		"software_version": "17.6.5", "custom_data": map[string]any{},
	}
	ev := prog.EvalNode(policy.Input{Node: node})
	for i := range ev.Results {
		r := ev.Result(i)
		fmt.Println(r.Rule, r.Status, r.Expected, r.Actual)
	}
	fmt.Println(ev.Templates, ev.CustomData)
	// Output:
	// iosxe-min-version fail >= 17.9.4 17.6.5
	// core-monitoring pass <nil> <nil>
	// [ios/base.j2] map[monitoring:map[tier:gold]]
}

func ExampleErrorList_Pretty() {
	_, err := policy.ParseFile("a.rules", []byte(`WHEN node.role == THEN APPLY "x"`))
	fmt.Print(err.(policy.ErrorList).Pretty())
	// Output:
	// a.rules:1:19: unexpected THEN, expected a value (string, number, true, false, null, list, regex, field or function call)
	//  1 | WHEN node.role == THEN APPLY "x"
	//    |                   ^
}

func ExampleCompareVersions() {
	fmt.Println(policy.CompareVersions("15.2(7)E3", "15.2(7)E10"))
	fmt.Println(policy.CompareVersions("21.4R3-S5.4", "21.4R3-S5"))
	fmt.Println(policy.CompareVersions("16.09.04", "16.9.4"))
	// Output:
	// -1
	// 1
	// 0
}

func ExampleFormat() {
	out, _ := policy.Format("a.rules", []byte(`rule 'x' when node.vendor=='cisco' then {apply 'ios/base.j2';set custom_data.a to 1}`))
	fmt.Print(string(out))
	// Output:
	// RULE "x"
	// WHEN node.vendor == "cisco"
	// THEN {
	//   APPLY "ios/base.j2";
	//   SET custom_data.a TO 1
	// }
}

func ExampleEvaluation_AllResults() {
	f, _ := policy.ParseFile("a.rules", []byte(`RULE "ntp" SEVERITY medium WHEN true THEN ASSERT len(custom_data.ntp_servers) >= 2`))
	prog, _ := policy.Compile(f)
	ev := prog.EvalNode(policy.Input{Node: map[string]any{"id": "n7", "name": "lon-acc-07"}})
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(ev.AllResults())
	// Output:
	// [{"object_kind":"node","object_id":"n7","object_name":"lon-acc-07","rule":"ntp","severity":"medium","status":"fail","expected":">= 2","actual":null,"message":"assertion failed: len(custom_data.ntp_servers) >= 2","file":"a.rules","line":1}]
}
