package kubecheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
)

// k8sDir holds the plain manifests rendered from the Helm chart.
var k8sDir = filepath.Join("..", "..", "deploy", "k8s")

// committed decodes every YAML file of deploy/k8s.
func committed(t *testing.T) ([]Object, map[string]string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", k8sDir, err)
	}
	var objs []Object
	texts := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[f] = string(b)
		o, err := Decode(f, b)
		if err != nil {
			t.Fatalf("strict decoding: %v", err)
		}
		objs = append(objs, o...)
	}
	return objs, texts
}

// TestCommittedManifests decodes every manifest of deploy/k8s strictly into
// its Kubernetes API type and checks the release they form.
func TestCommittedManifests(t *testing.T) {
	objs, _ := committed(t)
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.Kind)
	}
	slices.Sort(kinds)
	want := []string{"ConfigMap", "Deployment", "PersistentVolumeClaim", "PodDisruptionBudget", "Service", "ServiceAccount"}
	if !slices.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	for _, err := range Check(objs) {
		t.Error(err)
	}
	for _, o := range objs {
		switch v := o.Value.(type) {
		case *appsv1.Deployment:
			ctr := v.Spec.Template.Spec.Containers[0]
			if ctr.LivenessProbe.HTTPGet.Path != "/livez" || ctr.ReadinessProbe.HTTPGet.Path != "/readyz" {
				t.Errorf("probes %s %s", ctr.LivenessProbe.HTTPGet.Path, ctr.ReadinessProbe.HTTPGet.Path)
			}
			if sc := v.Spec.Template.Spec.SecurityContext; sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != 65532 || sc.FSGroup == nil || *sc.FSGroup != 65532 {
				t.Errorf("pod security context %+v: want the image's unet user and group 65532", sc)
			}
			if !slices.Equal(ctr.Args, []string{"serve"}) {
				t.Errorf("args %q", ctr.Args)
			}
			mounts := map[string]string{}
			for _, m := range ctr.VolumeMounts {
				mounts[m.MountPath] = m.Name
			}
			for _, p := range []string{"/etc/unet", "/run/secrets/unet", "/var/lib/unet", "/tmp"} {
				if mounts[p] == "" {
					t.Errorf("nothing mounted at %s (read-only root file system)", p)
				}
			}
		case *corev1.ConfigMap:
			toml := v.Data["unet.toml"]
			for _, s := range []string{`listen = "0.0.0.0:8080"`, `auth = "local"`, `token_pepper = "file:/run/secrets/unet/token-pepper"`, `"unet.unet.svc"`} {
				if !strings.Contains(toml, s) {
					t.Errorf("unet.toml lacks %s:\n%s", s, toml)
				}
			}
		case *policyv1.PodDisruptionBudget:
			if v.Spec.MaxUnavailable == nil || v.Spec.MaxUnavailable.IntValue() != 1 {
				t.Errorf("PDB maxUnavailable %v", v.Spec.MaxUnavailable)
			}
		}
	}
}

// mutate returns the committed manifests with one replacement, which must
// apply.
func mutate(t *testing.T, old, new string) []byte {
	t.Helper()
	_, texts := committed(t)
	for _, text := range texts {
		if strings.Contains(text, old) {
			return []byte(strings.Replace(text, old, new, 1))
		}
	}
	t.Fatalf("no manifest contains %q", old)
	return nil
}

func TestStrictDecodingRefuses(t *testing.T) {
	cases := []struct{ name, old, new, want string }{
		{"unknown field", "  revisionHistoryLimit: 5", "  revisionHistoryLimits: 5", `unknown field "revisionHistoryLimits"`},
		{"unknown kind", "kind: PodDisruptionBudget", "kind: PodDisruptionBudgets", "unknown kind policy/v1 PodDisruptionBudgets"},
		{"wrong type", "  replicas: 1", "  replicas: one", "Deployment"},
		{"duplicate field", "  replicas: 1", "  replicas: 1\n  replicas: 2", "Deployment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode("unet.yaml", mutate(t, c.old, c.new))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "unet.yaml#") {
				t.Fatalf("error %v, want one at a document saying %q", err, c.want)
			}
		})
	}
}

func TestCheckFindsProblems(t *testing.T) {
	cases := []struct{ name, old, new, want string }{
		{"liveness path", "path: /livez\n              port: http\n            failureThreshold: 6\n", "path: /healthz\n              port: http\n            failureThreshold: 6\n", "liveness probe: want an HTTP GET of /livez"},
		{"readiness path", "path: /readyz", "path: /livez", "readiness probe: want an HTTP GET of /readyz"},
		{"root", "        runAsUser: 65532", "        runAsUser: 0", "runs as uid 0"},
		{"writable root", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem is not true"},
		{"capabilities", "              - ALL", "              - NET_RAW", "capabilities must drop ALL"},
		{"no limit", "            limits:\n              memory: 1Gi\n", "", "no memory limit"},
		{"PDB selector", "  selector:\n    matchLabels:\n      app.kubernetes.io/name: unet\n      app.kubernetes.io/instance: unet\n\n---\n# Source: unet/templates/serviceaccount.yaml",
			"  selector:\n    matchLabels:\n      app.kubernetes.io/name: other\n\n---\n# Source: unet/templates/serviceaccount.yaml", "matches no Deployment's pods"},
		{"SQLite replicas", "  replicas: 1", "  replicas: 2", "one replica at most"},
		{"missing ConfigMap", "          configMap:\n            name: unet", "          configMap:\n            name: unet-other", "ConfigMap unet-other is not in the manifests"},
		{"a Secret", "---\n# Source: unet/templates/serviceaccount.yaml",
			"---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\nstringData:\n  token-pepper: x\n---\n# Source: unet/templates/serviceaccount.yaml", "the manifests hold a Secret"},
		{"service target", "      targetPort: http", "      targetPort: web", "target web is not a port"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := Decode("unet.yaml", mutate(t, c.old, c.new))
			if err != nil {
				t.Fatal(err)
			}
			errs := Check(objs)
			if !slices.ContainsFunc(errs, func(e error) bool { return strings.Contains(e.Error(), c.want) }) {
				t.Fatalf("problems %v, want one saying %q", errs, c.want)
			}
		})
	}
}

func TestDecodeSkipsCommentOnlyDocuments(t *testing.T) {
	objs, err := Decode("x.yaml", []byte("# header\n---\n# only a comment\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\n"))
	if err != nil || len(objs) != 1 || objs[0].Name != "a" || objs[0].Source != "x.yaml#3" {
		t.Fatalf("%+v %v", objs, err)
	}
	if _, err := Decode("x.yaml", []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata: {}\n")); err == nil || !strings.Contains(err.Error(), "metadata.name") {
		t.Fatalf("a nameless object: %v", err)
	}
}
