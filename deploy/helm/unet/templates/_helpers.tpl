{{/* The chart's name, or nameOverride. */}}
{{- define "unet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of the release's objects: fullnameOverride, else the
release name (with the chart's name appended unless it holds it). */}}
{{- define "unet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "unet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "unet.labels" -}}
helm.sh/chart: {{ include "unet.chart" . }}
{{ include "unet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the pods (Service, PodDisruptionBudget, Deployment). */}}
{{- define "unet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "unet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "unet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "unet.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the token pepper (and the optional secrets key). */}}
{{- define "unet.secretName" -}}
{{- default (include "unet.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "unet.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* "true" when the database is PostgreSQL, "" with SQLite. */}}
{{- define "unet.postgres" -}}
{{- if or .Values.postgres.url .Values.postgres.existingSecret }}true{{ end }}
{{- end }}

{{/* The claim of the SQLite volume, "" when there is none. */}}
{{- define "unet.claimName" -}}
{{- if and (not (include "unet.postgres" .)) .Values.persistence.enabled }}
{{- default (include "unet.fullname" .) .Values.persistence.existingClaim }}
{{- end }}
{{- end }}

{{/* Where the Secret's keys are mounted. */}}
{{- define "unet.secretsDir" -}}/run/secrets/unet{{- end }}

{{/* unet.toml: the values' config, with what the chart sets over it. The
database URL is not there but in UNET_DATABASE_URL, which the commands run
in the container (kubectl exec) read as well. */}}
{{- define "unet.config" -}}
{{- $full := include "unet.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $hosts := list $full (printf "%s.%s" $full $ns) (printf "%s.%s.svc" $full $ns) (printf "%s.%s.svc.cluster.local" $full $ns) }}
{{- if .Values.ingress.enabled }}
{{- range .Values.ingress.hosts }}
{{- $hosts = append $hosts .host }}
{{- end }}
{{- end }}
{{- $hosts = concat $hosts .Values.allowedHosts | uniq }}
{{- $server := dict "listen" (printf "0.0.0.0:%d" (int .Values.service.port)) "auth" .Values.auth.mode "token_pepper" (printf "file:%s/%s" (include "unet.secretsDir" .) .Values.secrets.tokenPepperKey) "insecure_http" true "allowed_hosts" $hosts }}
{{- if .Values.trustedProxies }}
{{- $_ := set $server "trusted_proxies" .Values.trustedProxies }}
{{- end }}
{{- $set := dict "server" $server "data_dir" "/var/lib/unet/unet-data" }}
{{- if .Values.secrets.secretsKeyKey }}
{{- $_ := set $set "secrets" (dict "key" (printf "file:%s/%s" (include "unet.secretsDir" .) .Values.secrets.secretsKeyKey)) }}
{{- end }}
{{- $toml := mergeOverwrite (deepCopy (.Values.config | default dict)) $set | toToml }}
{{- /* Values files give every number as a float: 200 would be 200.0, which
an integer setting refuses. */}}
{{- regexReplaceAll "(?m)^(\\s*[A-Za-z0-9_-]+ = -?[0-9]+)\\.0$" $toml "${1}" }}
{{- end }}
