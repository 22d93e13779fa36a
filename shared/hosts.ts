// Where the content scripts run. Production hosts only: end-to-end tests map these names to
// loopback with Chromium's host resolver rules instead of adding test hosts to the manifest.
export const ALIYUN_MATCHES = ['https://*.aliyun.com/*', 'https://*.alibabacloud.com/*'];
export const BILLING_CENTER_MATCHES = ['https://boss.guance.com/*', 'https://bill.guance.one/*'];
