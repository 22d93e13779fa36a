// The route table the OpenAPI document is built from: for every route the app answers, the zod
// schemas its handler validates with (shared/schemas.ts, the SPI's own) and the error codes it can
// answer. api/openapi/document.test.ts fails when a route of the app is missing here.
import { z } from 'zod';
import type { ErrorCode } from '../../shared/errors';
import * as S from '../../shared/schemas';
import { SPI_ACTIONS as ACTIONS } from '../marketplace/schemas';

export type Method = 'get' | 'post' | 'patch';

export interface Operation {
  method: Method;
  /** Hono's form, as in `app.routes`: `/api/v1/activations/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'meta' | 'activations' | 'sessions' | 'marketplace' | 'landing';
  /** The activation's bearer token (from `POST /activations`). */
  auth?: boolean;
  /** Component name → schema of the JSON body. */
  body?: [string, z.ZodType];
  /** Query parameters (each property one parameter). */
  query?: z.ZodObject;
  success: { status: number; description: string; schema?: [string, z.ZodType]; html?: boolean; redirect?: boolean };
  /** What this route can refuse with, besides what every route can (COMMON_ERRORS). */
  errors: ErrorCode[];
}

/**
 * Routes the document leaves out on purpose: the operator console (/operator) is the vendor staff's
 * HTML application behind its own session cookie and CSRF forms, not an API anyone integrates with;
 * its routes are proved by its own tests (every one refused without a session).
 */
export const UNDOCUMENTED_PREFIXES = ['/operator'] as const;

/** Any route: the server's own fault. Any JSON body: too large, not JSON, not valid. */
export const COMMON_ERRORS: ErrorCode[] = ['INTERNAL'];
export const BODY_ERRORS: ErrorCode[] = ['VALIDATION_FAILED', 'BAD_REQUEST', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'ORIGIN_NOT_ALLOWED'];
/** A missing, wrong or expired bearer token (details.reason `expired` for the last). */
export const AUTH_ERRORS: ErrorCode[] = ['UNAUTHORIZED'];
/** Answered for a path no route has (404) or a method the path does not take (405, with Allow). */
export const ROUTING_ERRORS: ErrorCode[] = ['NOT_FOUND', 'METHOD_NOT_ALLOWED'];

const SiteSchema = z.object({
  code: S.SiteCodeSchema,
  name: z.string(),
  nameZh: z.string(),
  provider: z.string(),
  consoleUrl: z.string(),
  loginUrl: z.string(),
});
const SitesResponse = z.object({ sites: z.array(SiteSchema) });

// The SPI: one GET whose `action` picks the parameters (parsed at the edge with marketplace/schemas.ts).
const SpiQuery = z.object({
  action: z.enum(Object.keys(ACTIONS) as [keyof typeof ACTIONS, ...(keyof typeof ACTIONS)[]]),
  token: z.string().regex(/^[0-9a-f]{32}$/).describe('Lowercase hex MD5 of the other parameters sorted by name, joined as k=v&k=v, then &key=<vendor secret>'),
  aliUid: z.string().optional().describe('createInstance, orderPay'),
  orderBizId: z.string().optional().describe('createInstance: becomes the instance ID; orderPay: the instance paid for'),
  requestId: z.string().optional().describe('orderPay: the marketplace\'s idempotency key'),
  orderId: z.string().optional(),
  productCode: z.string().optional().describe('createInstance, orderPay'),
  skuId: z.string().optional().describe('createInstance, upgradeInstance'),
  trial: z.enum(['true', 'false']).optional(),
  expiredOn: z.string().optional().describe('yyyy-MM-dd HH:mm:ss'),
  template: z.string().optional(),
  instanceId: z.string().optional().describe('every action but createInstance and orderPay'),
  isRefund: z.enum(['true', 'false']).optional().describe('releaseInstance'),
  timeStamp: z.string().optional().describe('verify: yyyy-MM-dd HH:mm:ss'),
});
const SpiAnswer = z.union([
  z.object({ instanceId: z.string(), appInfo: z.object({ authUrl: z.string() }).optional() }).describe('createInstance (instanceId "0" asks the marketplace to retry)'),
  z.object({ success: z.literal(true) }).describe('renewInstance, upgradeInstance, expiredInstance, releaseInstance, orderPay'),
]);
const FreeLoginQuery = z.object({
  instanceId: z.string(),
  timeStamp: z.string().describe('yyyy-MM-dd HH:mm:ss'),
  token: z.string().describe('as for the SPI; action verify is implied'),
});
const LandingQuery = z.object({ activation: z.string().describe('The activation the free login started') });

const SPI_ERRORS: ErrorCode[] = ['BAD_REQUEST', 'VALIDATION_FAILED', 'BAD_SIGNATURE', 'NOT_FOUND', 'INSTANCE_NOT_FOUND', 'INSTANCE_NOT_ACTIVE',
  'CONFLICT', 'TOKEN_REPLAYED', 'CODE_EXPIRED', 'SERVICE_UNAVAILABLE'];
const CODE_ERRORS: ErrorCode[] = ['CODE_INVALID', 'CODE_EXPIRED', 'TOO_MANY_ATTEMPTS'];

export const OPERATIONS: Operation[] = [
  {
    method: 'get', path: '/api/v1/health', operationId: 'health', tag: 'meta', summary: 'Liveness and version',
    success: { status: 200, description: 'Up', schema: ['HealthResponse', S.HealthResponse] }, errors: [],
  },
  {
    method: 'get', path: '/api/v1/sites', operationId: 'listSites', tag: 'meta', summary: 'The Guance sites a workspace can live on',
    success: { status: 200, description: 'Every site', schema: ['SitesResponse', SitesResponse] }, errors: [],
  },
  {
    method: 'get', path: '/api/v1/openapi.json', operationId: 'openapi', tag: 'meta', summary: 'This document',
    success: { status: 200, description: 'OpenAPI 3.1' }, errors: [],
  },
  {
    method: 'get', path: '/api/v1/docs', operationId: 'docs', tag: 'meta', summary: 'This document as a readable page',
    success: { status: 200, description: 'HTML', html: true }, errors: [],
  },
  {
    method: 'post', path: '/api/v1/activations', operationId: 'startActivation', tag: 'activations',
    summary: 'Start an activation for an account ID and a marketplace instance',
    description: 'The IDs are checked against what the marketplace SPI said: the instance exists, is active and belongs to the account. The answer carries the bearer token every other activation call needs.',
    body: ['StartActivationBody', S.StartActivationBody],
    success: { status: 201, description: 'Started', schema: ['StartActivationResponse', S.StartActivationResponse] },
    errors: ['INSTANCE_NOT_FOUND', 'INSTANCE_ACCOUNT_MISMATCH', 'INSTANCE_NOT_ACTIVE', 'VERIFICATION_REQUIRED', 'RATE_LIMITED'],
  },
  {
    method: 'get', path: '/api/v1/activations/:id', operationId: 'getActivation', tag: 'activations', auth: true,
    summary: 'The activation as it stands (to resume)',
    success: { status: 200, description: 'The activation', schema: ['ActivationResponse', S.ActivationResponse] }, errors: [],
  },
  {
    method: 'patch', path: '/api/v1/activations/:id', operationId: 'changeSite', tag: 'activations', auth: true,
    summary: 'Change the site a new workspace will be created on (until a workspace is bound)',
    body: ['UpdateActivationBody', S.UpdateActivationBody],
    success: { status: 200, description: 'Changed', schema: ['ActivationResponse', S.ActivationResponse] }, errors: ['WRONG_STATE'],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/verification-codes', operationId: 'sendCode', tag: 'activations', auth: true,
    summary: 'Email a verification code for a purpose',
    body: ['SendCodeBody', S.SendCodeBody],
    success: { status: 202, description: 'Sent (the address is shown masked)', schema: ['SendCodeResponse', S.SendCodeResponse] },
    errors: ['WRONG_STATE', 'BILLING_ACCOUNT_NOT_FOUND', 'GUANCE_ACCOUNT_NOT_FOUND', 'EMAIL_TAKEN', 'RATE_LIMITED', 'MAIL_FAILED'],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/verification-codes/check', operationId: 'checkCode', tag: 'activations', auth: true,
    summary: 'Check a code where it is typed, without using it (a wrong one counts as at the step)',
    body: ['CheckCodeBody', S.CheckCodeBody],
    success: { status: 204, description: 'The code is right; the step that needs it will take it' },
    errors: ['WRONG_STATE', 'VERIFICATION_REQUIRED', ...CODE_ERRORS],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/registration', operationId: 'register', tag: 'activations', auth: true,
    summary: 'No Billing Center account: register one (with a Guance account and a first workspace)',
    body: ['RegistrationBody', S.RegistrationBody],
    success: { status: 201, description: 'Registered and activated', schema: ['ActivationResponse', S.ActivationResponse] },
    errors: ['WRONG_STATE', 'USERNAME_TAKEN', 'EMAIL_TAKEN', 'CLOUD_ACCOUNT_LINKED_ELSEWHERE', 'VERIFICATION_REQUIRED', 'INSTANCE_NOT_ACTIVE', ...CODE_ERRORS],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/billing-account', operationId: 'bindBillingAccount', tag: 'activations', auth: true,
    summary: 'Bind an existing Billing Center account, proven by the code sent to its email',
    body: ['BindBillingAccountBody', S.BindBillingAccountBody],
    success: { status: 200, description: 'Bound', schema: ['ActivationResponse', S.ActivationResponse] },
    errors: ['WRONG_STATE', 'BILLING_ACCOUNT_NOT_FOUND', 'CLOUD_ACCOUNT_LINKED_ELSEWHERE', 'VERIFICATION_REQUIRED', 'INSTANCE_NOT_ACTIVE', ...CODE_ERRORS],
  },
  {
    method: 'get', path: '/api/v1/activations/:id/workspaces', operationId: 'listWorkspaces', tag: 'activations', auth: true,
    summary: "The Billing Center account's workspaces, each bindable or why not",
    success: { status: 200, description: 'The workspaces', schema: ['WorkspaceListResponse', S.WorkspaceListResponse] }, errors: ['WRONG_STATE'],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/workspaces', operationId: 'createWorkspace', tag: 'activations', auth: true,
    summary: 'Create a workspace, with an existing or a new Guance account',
    body: ['CreateWorkspaceBody', S.CreateWorkspaceBody],
    success: { status: 201, description: 'Created and activated', schema: ['ActivationResponse', S.ActivationResponse] },
    errors: ['WRONG_STATE', 'GUANCE_ACCOUNT_NOT_FOUND', 'USERNAME_TAKEN', 'EMAIL_TAKEN', 'INSTANCE_NOT_ACTIVE', ...CODE_ERRORS],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/workspace-bindings', operationId: 'bindWorkspace', tag: 'activations', auth: true,
    summary: 'Bind an existing workspace of the Billing Center account',
    body: ['BindWorkspaceBody', S.BindWorkspaceBody],
    success: { status: 200, description: 'Bound and activated', schema: ['ActivationResponse', S.ActivationResponse] },
    errors: ['WRONG_STATE', 'WORKSPACE_NOT_FOUND', 'WORKSPACE_NOT_BINDABLE', 'INSTANCE_NOT_ACTIVE'],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/alibaba-sign-in', operationId: 'startAlibabaSignIn', tag: 'activations', auth: true,
    summary: 'Sign in with Alibaba Cloud (OIDC, PKCE): the authorization URL to open',
    description: 'The API keeps state, nonce and PKCE verifier, bound to the activation, for 10 minutes. `redirectUri`: the extension\'s launchWebAuthFlow URL, `<PUBLIC_URL>/activate/alibaba-sign-in/callback` (a browser tab; an HttpOnly cookie ties it to this browser) or one configured.',
    body: ['AlibabaSignInBody', S.AlibabaSignInBody],
    success: { status: 201, description: 'Open authorizationUrl', schema: ['AlibabaSignInResponse', S.AlibabaSignInResponse] },
    errors: ['NOT_FOUND', 'WRONG_STATE', 'SERVICE_UNAVAILABLE'],
  },
  {
    method: 'post', path: '/api/v1/activations/:id/alibaba-sign-in/callback', operationId: 'completeAlibabaSignIn', tag: 'activations', auth: true,
    summary: 'Complete Sign in with Alibaba Cloud with the URL the provider sent the browser back to',
    body: ['AlibabaSignInCallbackBody', S.AlibabaSignInCallbackBody],
    success: { status: 200, description: 'Proved (proof alibaba-sign-in)', schema: ['ActivationResponse', S.ActivationResponse] },
    errors: ['NOT_FOUND', 'TOKEN_REPLAYED', 'CODE_EXPIRED', 'VERIFICATION_REQUIRED', 'INSTANCE_ACCOUNT_MISMATCH', 'SERVICE_UNAVAILABLE'],
  },
  {
    method: 'post', path: '/api/v1/sessions', operationId: 'login', tag: 'sessions',
    summary: 'Log in with username (or email) and password; lists the workspaces the account can open',
    body: ['SessionBody', S.SessionBody],
    success: { status: 200, description: 'Logged in', schema: ['SessionResponse', S.SessionResponse] },
    errors: ['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS'],
  },
  {
    method: 'get', path: '/marketplace/aliyun', operationId: 'aliyunSpi', tag: 'marketplace',
    summary: 'The Alibaba Cloud Marketplace SPI endpoint',
    description: 'Called by the marketplace with signed query parameters. Repeated calls get the same answer. `action=verify` (free login) redirects the browser to the landing page; a browser asking for HTML gets an error page instead of JSON.',
    query: SpiQuery,
    success: { status: 200, description: 'The action done (or done before)', schema: ['SpiAnswer', SpiAnswer] },
    errors: SPI_ERRORS,
  },
  {
    method: 'get', path: '/marketplace/aliyun/login', operationId: 'aliyunFreeLogin', tag: 'marketplace',
    summary: 'The free-login URL given to the marketplace as authUrl (action verify implied)',
    query: FreeLoginQuery,
    success: { status: 302, description: 'To the landing page of the activation it started', redirect: true },
    errors: SPI_ERRORS,
  },
  {
    method: 'get', path: '/activate/landing', operationId: 'landing', tag: 'landing',
    summary: 'Where free login sends the browser: the wizard as a web page, with a marker for the extension',
    query: LandingQuery,
    success: { status: 200, description: 'HTML (404 HTML for an unknown activation)', html: true },
    errors: [],
  },
  {
    method: 'get', path: '/activate', operationId: 'webWizard', tag: 'landing',
    summary: 'The web wizard started from typed IDs (when the server has it built)',
    success: { status: 200, description: 'HTML', html: true },
    errors: [],
  },
  {
    method: 'get', path: '/activate/assets/*', operationId: 'webWizardAsset', tag: 'landing',
    summary: "The web wizard's built files (content-hashed names, cached for a year)",
    success: { status: 200, description: 'A script, style sheet or image' },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get', path: '/activate/alibaba-sign-in/callback', operationId: 'alibabaSignInPage', tag: 'landing',
    summary: 'Where Alibaba Cloud sends a browser tab back after signing in; completes in the browser that started it',
    query: z.object({ code: z.string().optional(), state: z.string().optional() }),
    success: { status: 303, description: 'To the landing page of the proved activation (an HTML page says why not)', redirect: true, html: true },
    errors: ['NOT_FOUND', 'BAD_REQUEST', 'TOKEN_REPLAYED', 'CODE_EXPIRED', 'VERIFICATION_REQUIRED', 'INSTANCE_ACCOUNT_MISMATCH'],
  },
];
