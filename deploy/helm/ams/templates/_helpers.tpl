{{/* Names are "<release>-ams-<part>" (or "<release>-<part>" where the release name has "ams" in it); the
    base is cut to 50 characters so that "-engine-gpu" and the like still fit in 63. */}}
{{- define "ams.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ams.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component: engine, sidecar, redis. */}}
{{- define "ams.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ams.secretName" -}}
{{- default (printf "%s-secret" (include "ams.fullname" .)) .Values.secret.existingSecret -}}
{{- end -}}

{{/* --redis-uri: the operator's URL, else the in-release Redis; neither is an error. */}}
{{- define "ams.redisUri" -}}
{{- if .Values.redis.url -}}
{{- .Values.redis.url -}}
{{- else if .Values.redis.internal.enabled -}}
{{- printf "redis://%s-redis:6379" (include "ams.fullname" .) -}}
{{- else -}}
{{- fail "engines and sidecars need Redis: set redis.url (redis://HOST:6379) or redis.internal.enabled=true" -}}
{{- end -}}
{{- end -}}

{{- define "ams.turnNeedsSecret" -}}
{{- range .Values.turn.uris -}}
{{- if or (hasPrefix "turn:" .) (hasPrefix "turns:" .) -}}yes{{- end -}}
{{- end -}}
{{- end -}}
