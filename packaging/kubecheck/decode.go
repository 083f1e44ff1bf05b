// Package kubecheck decodes Kubernetes manifests strictly into the API types
// of k8s.io/api (a field the type does not have is an error, not ignored as
// the API server would after a warning) and checks what μNet's deployment
// relies on: probes on /livez and /readyz, a non-root read-only container
// without capabilities, resources, selectors that match the pods, and one
// replica at most on SQLite.
package kubecheck

import (
	"fmt"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// Object is one decoded manifest.
type Object struct {
	// Source names the manifest: FILE#N, N the document's index from 1.
	Source string
	// Kind and Name are the object's kind and metadata.name.
	Kind, Name string
	// Value is a pointer to the API type: *appsv1.Deployment, ...
	Value any
}

// kinds maps apiVersion/kind to a constructor of its API type.
var kinds = map[string]func() any{
	"apps/v1/Deployment":                 func() any { return new(appsv1.Deployment) },
	"v1/Service":                         func() any { return new(corev1.Service) },
	"v1/ConfigMap":                       func() any { return new(corev1.ConfigMap) },
	"v1/Secret":                          func() any { return new(corev1.Secret) },
	"v1/ServiceAccount":                  func() any { return new(corev1.ServiceAccount) },
	"v1/PersistentVolumeClaim":           func() any { return new(corev1.PersistentVolumeClaim) },
	"policy/v1/PodDisruptionBudget":      func() any { return new(policyv1.PodDisruptionBudget) },
	"networking.k8s.io/v1/Ingress":       func() any { return new(networkingv1.Ingress) },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return new(networkingv1.NetworkPolicy) },
}

// separator is a YAML document separator line.
var separator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// Decode splits data, the content of the file named source, into YAML
// documents and decodes each strictly into its API type. Documents holding
// only comments are skipped. The first problem is returned, positioned by
// document.
func Decode(source string, data []byte) ([]Object, error) {
	var out []Object
	for i, doc := range separator.Split(string(data), -1) {
		where := fmt.Sprintf("%s#%d", source, i+1)
		if blank(doc) {
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if tm.APIVersion == "" || tm.Kind == "" {
			return nil, fmt.Errorf("%s: apiVersion and kind are required", where)
		}
		newValue, ok := kinds[tm.APIVersion+"/"+tm.Kind]
		if !ok {
			return nil, fmt.Errorf("%s: unknown kind %s %s", where, tm.APIVersion, tm.Kind)
		}
		v := newValue()
		if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
			return nil, fmt.Errorf("%s (%s): %w", where, tm.Kind, err)
		}
		meta, err := objectMeta(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if meta.Name == "" {
			return nil, fmt.Errorf("%s (%s): metadata.name is required", where, tm.Kind)
		}
		out = append(out, Object{Source: where, Kind: tm.Kind, Name: meta.Name, Value: v})
	}
	return out, nil
}

// blank reports whether a document holds nothing but comments and space.
func blank(doc string) bool {
	for line := range strings.SplitSeq(doc, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return false
		}
	}
	return true
}

// objectMeta returns the metadata of a decoded object.
func objectMeta(v any) (*metav1.ObjectMeta, error) {
	if o, ok := v.(interface{ GetObjectMeta() metav1.Object }); ok {
		if m, ok := o.GetObjectMeta().(*metav1.ObjectMeta); ok {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%T has no object metadata", v)
}
