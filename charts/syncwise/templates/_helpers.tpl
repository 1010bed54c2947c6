{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "syncwise.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, plus the chart name unless the release already contains it. */}}
{{- define "syncwise.fullname" -}}
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

{{- define "syncwise.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "syncwise.labels" -}}
helm.sh/chart: {{ include "syncwise.chart" . }}
{{ include "syncwise.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: syncwise
{{- end }}

{{/* Labels that select the operator pods. */}}
{{- define "syncwise.selectorLabels" -}}
app.kubernetes.io/name: {{ include "syncwise.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "syncwise.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "syncwise.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the leader-election Lease. */}}
{{- define "syncwise.leaseName" -}}
{{- printf "%s-leader" (include "syncwise.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The operator's rules on the objects it reconciles, with no wildcard: the syncwise kinds (and
their status and finalizers), the Secrets they reference, and the Events it records.
*/}}
{{- define "syncwise.rules" -}}
- apiGroups: ["syncwise.io"]
  resources: ["targets", "serviceproviders", "servicepackages", "subscriptions", "projectdefaults", "projects"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["syncwise.io"]
  resources: ["targets/status", "serviceproviders/status", "servicepackages/status", "subscriptions/status", "projectdefaults/status", "projects/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["syncwise.io"]
  resources: ["targets/finalizers", "serviceproviders/finalizers", "servicepackages/finalizers", "subscriptions/finalizers", "projectdefaults/finalizers", "projects/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets"]
  {{- if .Values.rbac.writeConnectionSecrets }}
  verbs: ["get", "list", "watch", "create", "update", "patch"]
  {{- else }}
  verbs: ["get", "list", "watch"]
  {{- end }}
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
