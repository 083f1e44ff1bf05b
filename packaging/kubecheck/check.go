package kubecheck

import (
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Probe paths of `unet serve`.
const (
	LivenessPath  = "/livez"
	ReadinessPath = "/readyz"
)

// Check checks a set of decoded objects (one release) and returns every
// problem found, nil when there is none.
func Check(objs []Object) []error {
	c := &checker{objs: objs}
	for _, o := range objs {
		switch v := o.Value.(type) {
		case *appsv1.Deployment:
			c.deployment(o, v)
		case *corev1.Service:
			c.service(o, v)
		case *policyv1.PodDisruptionBudget:
			c.pdb(o, v)
		case *networkingv1.Ingress:
			c.ingress(o, v)
		case *corev1.Secret:
			c.errorf(o, "the manifests hold a Secret: secret values are created apart and only referenced")
		}
	}
	return c.errs
}

type checker struct {
	objs []Object
	errs []error
}

func (c *checker) errorf(o Object, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s (%s %s): %s", o.Source, o.Kind, o.Name, fmt.Sprintf(format, args...)))
}

// has reports whether an object of the kind and name is in the set.
func (c *checker) has(kind, name string) bool {
	return slices.ContainsFunc(c.objs, func(o Object) bool { return o.Kind == kind && o.Name == name })
}

// deployments returns the Deployments of the set.
func (c *checker) deployments() []*appsv1.Deployment {
	var out []*appsv1.Deployment
	for _, o := range c.objs {
		if d, ok := o.Value.(*appsv1.Deployment); ok {
			out = append(out, d)
		}
	}
	return out
}

func (c *checker) deployment(o Object, d *appsv1.Deployment) {
	pod := d.Spec.Template
	if d.Spec.Selector == nil {
		c.errorf(o, "no spec.selector")
	} else if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err != nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
		c.errorf(o, "spec.selector does not select the pod template's labels %v", pod.Labels)
	}
	ps := pod.Spec.SecurityContext
	if ps == nil {
		ps = &corev1.PodSecurityContext{}
	}
	if pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken {
		c.errorf(o, "the pod mounts a service account token: μNet does not call the Kubernetes API")
	}
	if sa := pod.Spec.ServiceAccountName; sa != "" && sa != "default" && !c.has("ServiceAccount", sa) {
		c.errorf(o, "service account %s is not in the manifests", sa)
	}
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.ConfigMap != nil && !c.has("ConfigMap", v.ConfigMap.Name):
			c.errorf(o, "volume %s: ConfigMap %s is not in the manifests", v.Name, v.ConfigMap.Name)
		case v.PersistentVolumeClaim != nil && !c.has("PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName):
			c.errorf(o, "volume %s: PersistentVolumeClaim %s is not in the manifests", v.Name, v.PersistentVolumeClaim.ClaimName)
		}
	}
	if len(pod.Spec.Containers) == 0 {
		c.errorf(o, "no container")
	}
	for _, ctr := range pod.Spec.Containers {
		c.container(o, ps, ctr)
		if sqlite(ctr) {
			if d.Spec.Replicas == nil || *d.Spec.Replicas > 1 {
				c.errorf(o, "container %s uses SQLite: one replica at most (PostgreSQL for several)", ctr.Name)
			}
			if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
				c.errorf(o, "container %s uses SQLite: strategy Recreate (the new pod cannot open the database while the old one has it)", ctr.Name)
			}
		}
	}
}

// sqlite reports whether the container's database is a SQLite file.
func sqlite(ctr corev1.Container) bool {
	for _, e := range ctr.Env {
		if e.Name == "UNET_DATABASE_URL" {
			return e.ValueFrom == nil && strings.HasPrefix(e.Value, "sqlite:")
		}
	}
	return false
}

func (c *checker) container(o Object, ps *corev1.PodSecurityContext, ctr corev1.Container) {
	name := "container " + ctr.Name
	if ctr.Image == "" {
		c.errorf(o, "%s: no image", name)
	}
	c.probe(o, name+" liveness probe", ctr, ctr.LivenessProbe, LivenessPath)
	c.probe(o, name+" readiness probe", ctr, ctr.ReadinessProbe, ReadinessPath)
	if ctr.StartupProbe != nil {
		c.probe(o, name+" startup probe", ctr, ctr.StartupProbe, LivenessPath)
	}
	sc := ctr.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	nonRoot := sc.RunAsNonRoot
	if nonRoot == nil {
		nonRoot = ps.RunAsNonRoot
	}
	if nonRoot == nil || !*nonRoot {
		c.errorf(o, "%s: runAsNonRoot is not true", name)
	}
	uid := sc.RunAsUser
	if uid == nil {
		uid = ps.RunAsUser
	}
	if uid != nil && *uid == 0 {
		c.errorf(o, "%s: runs as uid 0", name)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		c.errorf(o, "%s: readOnlyRootFilesystem is not true", name)
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		c.errorf(o, "%s: allowPrivilegeEscalation is not false", name)
	}
	if sc.Privileged != nil && *sc.Privileged {
		c.errorf(o, "%s: privileged", name)
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		c.errorf(o, "%s: capabilities must drop ALL and add none", name)
	}
	seccomp := sc.SeccompProfile
	if seccomp == nil {
		seccomp = ps.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		c.errorf(o, "%s: seccomp profile is not RuntimeDefault", name)
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if q, ok := ctr.Resources.Requests[r]; !ok || q.IsZero() {
			c.errorf(o, "%s: no %s request", name, r)
		}
	}
	if q, ok := ctr.Resources.Limits[corev1.ResourceMemory]; !ok || q.IsZero() {
		c.errorf(o, "%s: no memory limit", name)
	}
}

// probe checks that p is an HTTP GET of path on one of the container's ports.
func (c *checker) probe(o Object, what string, ctr corev1.Container, p *corev1.Probe, path string) {
	if p == nil {
		c.errorf(o, "%s: missing", what)
		return
	}
	if p.HTTPGet == nil || p.HTTPGet.Path != path {
		c.errorf(o, "%s: want an HTTP GET of %s", what, path)
		return
	}
	if !containerPort(ctr, p.HTTPGet.Port.String()) {
		c.errorf(o, "%s: port %s is not a port of the container", what, p.HTTPGet.Port.String())
	}
}

// containerPort reports whether port (a name or a number) is one of the
// container's ports.
func containerPort(ctr corev1.Container, port string) bool {
	return slices.ContainsFunc(ctr.Ports, func(p corev1.ContainerPort) bool {
		return p.Name == port || fmt.Sprint(p.ContainerPort) == port
	})
}

// podsSelected returns the Deployments whose pod template sel selects.
func (c *checker) podsSelected(sel labels.Selector) []*appsv1.Deployment {
	var out []*appsv1.Deployment
	for _, d := range c.deployments() {
		if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			out = append(out, d)
		}
	}
	return out
}

func (c *checker) service(o Object, s *corev1.Service) {
	if len(s.Spec.Selector) == 0 {
		c.errorf(o, "no selector")
		return
	}
	selected := c.podsSelected(labels.SelectorFromSet(s.Spec.Selector))
	if len(selected) == 0 {
		c.errorf(o, "the selector %v selects no Deployment's pods", s.Spec.Selector)
		return
	}
	for _, p := range s.Spec.Ports {
		target := p.TargetPort.String()
		if p.TargetPort.IntValue() == 0 && p.TargetPort.StrVal == "" {
			target = fmt.Sprint(p.Port)
		}
		for _, d := range selected {
			if !slices.ContainsFunc(d.Spec.Template.Spec.Containers, func(ctr corev1.Container) bool { return containerPort(ctr, target) }) {
				c.errorf(o, "port %s: target %s is not a port of Deployment %s", p.Name, target, d.Name)
			}
		}
	}
}

func (c *checker) pdb(o Object, p *policyv1.PodDisruptionBudget) {
	if p.Spec.Selector == nil {
		c.errorf(o, "no selector")
		return
	}
	sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
	if err != nil || sel.Empty() {
		c.errorf(o, "selector: %v", err)
		return
	}
	if len(c.podsSelected(sel)) == 0 {
		c.errorf(o, "the selector %s matches no Deployment's pods", sel)
	}
	if (p.Spec.MinAvailable == nil) == (p.Spec.MaxUnavailable == nil) {
		c.errorf(o, "set one of minAvailable and maxUnavailable")
	}
}

func (c *checker) ingress(o Object, in *networkingv1.Ingress) {
	for _, r := range in.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Backend.Service == nil || !c.has("Service", p.Backend.Service.Name) {
				c.errorf(o, "host %s path %s: the backend is not a Service of the manifests", r.Host, p.Path)
			}
		}
	}
}
