{{/* Labels every object of the chart carries, as in deploy/ plus Helm's own. */}}
{{- define "telescope.labels" -}}
app.kubernetes.io/name: telescope
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: telescope
{{- end }}

{{- define "telescope.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The settings flags both processes read (OperatorConfig parses the same flags in each). */}}
{{- define "telescope.settingsArgs" -}}
{{- with .Values.watchNamespaces }}
- --watch-namespaces={{ join "," . }}
{{- end }}
{{- with .Values.collectorImage }}
- --collector-image={{ . }}
{{- end }}
{{- with .Values.targetAllocatorImage }}
- --target-allocator-image={{ . }}
{{- end }}
{{- range $lang, $image := .Values.autoInstrumentation }}
{{- if $image }}
- --auto-instrumentation-{{ $lang | kebabcase }}-image={{ $image }}
{{- end }}
{{- end }}
{{- if .Values.metrics.secure }}
- --metrics-secure
{{- if .Values.metrics.bearerTokenSecret }}
- --metrics-bearer-token-file=/var/run/telescope/metrics-token/token
{{- end }}
{{- end }}
{{- end }}

{{/* The Secret holding the token scrapers of HTTPS metrics must send, mounted where the flag reads it. */}}
{{- define "telescope.metricsTokenMount" -}}
{{- if and .Values.metrics.secure .Values.metrics.bearerTokenSecret }}
- name: metrics-token
  mountPath: /var/run/telescope/metrics-token
  readOnly: true
{{- end }}
{{- end }}

{{- define "telescope.metricsTokenVolume" -}}
{{- if and .Values.metrics.secure .Values.metrics.bearerTokenSecret }}
- name: metrics-token
  secret:
    secretName: {{ .Values.metrics.bearerTokenSecret }}
    items:
      - key: token
        path: token
{{- end }}
{{- end }}

{{- define "telescope.webhookSecret" -}}
{{- if eq .Values.certificates.mode "cert-manager" -}}
telescope-webhook-tls
{{- else -}}
{{ .Values.certificates.files.secretName }}
{{- end -}}
{{- end }}

{{/* Annotations that make cert-manager's cainjector fill in the caBundle. */}}
{{- define "telescope.injectCa" -}}
{{- if eq .Values.certificates.mode "cert-manager" }}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/telescope-webhook
{{- end }}
{{- end }}

{{/* A webhook clientConfig pointing at the webhook Service; caBundle only in files mode. */}}
{{- define "telescope.clientConfig" -}}
clientConfig:
  service:
    name: telescope-webhook
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
    port: 443
  {{- if and (eq .root.Values.certificates.mode "files") .root.Values.certificates.files.caBundle }}
  caBundle: {{ .root.Values.certificates.files.caBundle }}
  {{- end }}
{{- end }}

{{- define "telescope.validate" -}}
{{- if not (has .Values.certificates.mode (list "self-managed" "cert-manager" "files")) }}
{{- fail (printf "certificates.mode must be self-managed, cert-manager or files, not %q" .Values.certificates.mode) }}
{{- end }}
{{- end }}
