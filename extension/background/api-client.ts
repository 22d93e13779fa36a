// Typed client for the companion API (/api/v1). Every answer is checked against the shared zod
// schemas before anyone uses it, so a wrong server (or a wrong address in the options) shows up
// as a clear error instead of an undefined deep in the popup.
import { hc } from 'hono/client';
import { z } from 'zod';
import type { AppType } from '../../api/app';
import {
  ActivationResponse,
  AlibabaSignInResponse,
  SendCodeResponse,
  StartActivationResponse,
  WorkspaceListResponse,
  type BindBillingAccountBody,
  type BindWorkspaceBody,
  type CheckCodeBody,
  type CreateWorkspaceBody,
  type RegistrationBody,
  type SendCodeBody,
  type StartActivationBody,
  type UpdateActivationBody,
} from '../../shared/schemas';
import { isApiErrorBody } from '../../shared/errors';

/** A refusal from the API: its `{error: {code, message, details?}}` body and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API could not be reached (or answered something that is not our API). */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

const ActivationAnswer = ActivationResponse.transform((x) => x.activation);
/** A 204 answer, given to callers as an empty record. */
const NoContent = z.undefined().transform((): Record<string, never> => ({}));

export interface ApiClientOptions {
  baseUrl: string;
  /** Injected so tests can point the client at an in-process app (`app.request`). */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(opts: ApiClientOptions) {
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const timeoutMs = opts.timeoutMs ?? 15_000;
  // hc<AppType> ties every path, method and body to the API's route definitions at compile time.
  const api = hc<AppType>(opts.baseUrl.replace(/\/+$/, ''), {
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      doFetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as typeof fetch,
  }).api.v1;

  /** Sends, then checks the answer: an error body becomes an ApiError, anything unexpected a NetworkError. */
  async function call<S extends z.ZodType>(schema: S, what: string, send: () => Promise<Response>): Promise<z.output<S>> {
    let res: Response;
    try {
      res = await send();
    } catch (e) {
      throw new NetworkError(e instanceof Error ? e.message : String(e));
    }
    // 204: nothing to parse; the schema says whether that is what was expected.
    if (res.status === 204) {
      const parsed = schema.safeParse(undefined);
      if (parsed.success) return parsed.data;
      throw new NetworkError(`Unexpected empty answer from ${opts.baseUrl} to ${what}`);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      if (!res.ok) throw new ApiError(res.status, res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', `HTTP ${res.status}`);
      throw new NetworkError(`The server at ${opts.baseUrl} did not answer ${what} with JSON (HTTP ${res.status})`);
    }
    if (!res.ok) {
      if (isApiErrorBody(json)) throw new ApiError(res.status, json.error.code, json.error.message, json.error.details);
      throw new ApiError(res.status, res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', `HTTP ${res.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new NetworkError(`Unexpected answer from ${opts.baseUrl} to ${what}: ${parsed.error.message}`);
    return parsed.data;
  }

  const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const act = api.activations[':id'];
  return {
    startActivation: (body: StartActivationBody) =>
      call(StartActivationResponse, 'POST /activations', () => api.activations.$post({ json: body })),
    getActivation: (id: string, token: string) =>
      call(ActivationAnswer, 'GET /activations/:id', () => act.$get({ param: { id } }, auth(token))),
    updateActivation: (id: string, token: string, body: UpdateActivationBody) =>
      call(ActivationAnswer, 'PATCH /activations/:id', () => act.$patch({ param: { id }, json: body }, auth(token))),
    sendCode: (id: string, token: string, body: SendCodeBody) =>
      call(SendCodeResponse, 'POST verification-codes', () => act['verification-codes'].$post({ param: { id }, json: body }, auth(token))),
    checkCode: (id: string, token: string, body: CheckCodeBody) =>
      call(NoContent, 'POST verification-codes/check', () => act['verification-codes'].check.$post({ param: { id }, json: body }, auth(token))),
    startAlibabaSignIn: (id: string, token: string, redirectUri: string) =>
      call(AlibabaSignInResponse, 'POST alibaba-sign-in', () => act['alibaba-sign-in'].$post({ param: { id }, json: { redirectUri } }, auth(token))),
    completeAlibabaSignIn: (id: string, token: string, callbackUrl: string) =>
      call(ActivationAnswer, 'POST alibaba-sign-in/callback', () => act['alibaba-sign-in'].callback.$post({ param: { id }, json: { callbackUrl } }, auth(token))),
    register: (id: string, token: string, body: RegistrationBody) =>
      call(ActivationAnswer, 'POST registration', () => act.registration.$post({ param: { id }, json: body }, auth(token))),
    bindBillingAccount: (id: string, token: string, body: BindBillingAccountBody) =>
      call(ActivationAnswer, 'POST billing-account', () => act['billing-account'].$post({ param: { id }, json: body }, auth(token))),
    listWorkspaces: (id: string, token: string) =>
      call(WorkspaceListResponse, 'GET workspaces', () => act.workspaces.$get({ param: { id } }, auth(token))),
    createWorkspace: (id: string, token: string, body: CreateWorkspaceBody) =>
      call(ActivationAnswer, 'POST workspaces', () => act.workspaces.$post({ param: { id }, json: body }, auth(token))),
    bindWorkspace: (id: string, token: string, body: BindWorkspaceBody) =>
      call(ActivationAnswer, 'POST workspace-bindings', () => act['workspace-bindings'].$post({ param: { id }, json: body }, auth(token))),
  };
}
