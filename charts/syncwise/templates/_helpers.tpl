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

{{/* Name of the Secret holding the ledger; its run lock is the Lease "<name>-lock". */}}
{{- define "syncwise.ledgerName" -}}
{{- printf "%s-ledger" (include "syncwise.fullname" .) | trunc 58 | trimSuffix "-" }}
{{- end }}

{{/*
The operator's rules in the namespaces it watches, with no wildcard and only the verbs it calls:
list and watch (informers) and patch (finalizers) on the syncwise kinds, patch on their status,
list and watch on Secrets (secretKeyRef values; create and patch too for connection Secrets), and
create and patch on core/v1 Events (it records no events.k8s.io Events).
*/}}
{{- define "syncwise.rules" -}}
- apiGroups: ["syncwise.io"]
  resources: ["targets", "serviceproviders", "servicepackages", "subscriptions", "projectdefaults", "projects"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["syncwise.io"]
  resources: ["targets/status", "serviceproviders/status", "servicepackages/status", "subscriptions/status", "projectdefaults/status", "projects/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["secrets"]
  {{- if .Values.rbac.writeConnectionSecrets }}
  verbs: ["list", "watch", "create", "patch"]
  {{- else }}
  verbs: ["list", "watch"]
  {{- end }}
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
