// The popup's wizard calls, handled in the background (the only part that talks to the API). Keeps
// the activation id and bearer token in storage.local — never sent to the popup — checks bodies
// with the API's own schemas first, and turns failures into data the popup can place and retry.
import { browser } from 'wxt/browser';
import type { z } from 'zod';
import { parseMessage } from '../../shared/messages/protocol';
import {
  PopupToBackground,
  type FieldIssue,
  type WizardMessage,
  type WizardReply,
} from '../../shared/messages/popup-to-background';
import {
  BindBillingAccountBody,
  BindWorkspaceBody,
  CreateWorkspaceBody,
  RegistrationBody,
  SendCodeBody,
  StartActivationBody,
  UpdateActivationBody,
  type Activation,
} from '../../shared/schemas';
import { activationRef, apiBaseUrl, type ActivationRef } from '../lib/storage';
import { ApiError, createApiClient, NetworkError, type ApiClient } from './api-client';

type Reply = WizardReply<unknown>;
type Failure = Extract<Reply, { ok: false }>;

export interface WizardDeps {
  /** The client for the configured API address (read on every call: the options page may change it). */
  client: () => Promise<{ client: ApiClient; baseUrl: string }>;
  now?: () => number;
}

const SCHEMAS = {
  start: StartActivationBody,
  registration: RegistrationBody,
  'bind-billing': BindBillingAccountBody,
  'create-workspace': CreateWorkspaceBody,
} as const;

function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
    code: i.code,
  }));
}

/** Checks a body with the schema the API will use; a failure looks exactly like the API's own 400. */
function check<S extends z.ZodType>(schema: S, body: unknown): { ok: true; data: z.output<S> } | Failure {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, data: r.data };
  return {
    ok: false,
    error: { kind: 'api', status: 400, code: 'VALIDATION_FAILED', message: 'Some fields are not valid', details: issuesOf(r.error) },
  };
}

function failure(e: unknown): Failure {
  if (e instanceof ApiError) {
    return { ok: false, error: { kind: 'api', status: e.status, code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } };
  }
  if (e instanceof NetworkError) return { ok: false, error: { kind: 'network', message: e.message } };
  return { ok: false, error: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
}

const noActivation: Failure = {
  ok: false,
  error: { kind: 'api', status: 401, code: 'NO_ACTIVATION', message: 'No activation in progress: start again' },
};

export function createWizardService(deps: WizardDeps) {
  const now = deps.now ?? Date.now;
  const inflight = new Map<string, Promise<Reply>>();

  async function currentRef(baseUrl: string): Promise<ActivationRef | null> {
    const ref = await activationRef.getValue();
    // A token belongs to the API that issued it; after the address changed it is worthless.
    if (ref && ref.apiBaseUrl !== baseUrl) {
      await activationRef.removeValue();
      return null;
    }
    return ref;
  }

  async function remember(ref: ActivationRef, activation: Activation): Promise<{ activation: Activation }> {
    await activationRef.setValue({ ...ref, activation, syncedAt: now() });
    return { activation };
  }

  /** Runs a call that needs the activation's token; forgets the token when the API says it is dead. */
  async function withActivation(fn: (c: ApiClient, ref: ActivationRef) => Promise<unknown>): Promise<Reply> {
    const { client, baseUrl } = await deps.client();
    const ref = await currentRef(baseUrl);
    if (!ref) return noActivation;
    try {
      return { ok: true, data: await fn(client, ref) };
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.code === 'ACTIVATION_NOT_FOUND' || e.code === 'ACTIVATION_EXPIRED')) {
        await activationRef.removeValue();
      }
      return failure(e);
    }
  }

  async function run(msg: WizardMessage): Promise<Reply> {
    switch (msg.type) {
      case 'wizard/validate': {
        const r = SCHEMAS[msg.schema].safeParse(msg.body);
        return { ok: true, data: { issues: r.success ? [] : issuesOf(r.error) } };
      }
      case 'wizard/start': {
        const body = check(StartActivationBody, msg.body);
        if (!body.ok) return body;
        const { client, baseUrl } = await deps.client();
        try {
          const { activation, token } = await client.startActivation(body.data);
          await activationRef.setValue({ id: activation.id, token, activation, syncedAt: now(), apiBaseUrl: baseUrl });
          return { ok: true, data: { activation } };
        } catch (e) {
          return failure(e);
        }
      }
      case 'wizard/sync': {
        const { baseUrl } = await deps.client();
        const ref = await currentRef(baseUrl);
        if (!ref) return { ok: true, data: { activation: null } };
        if (now() - ref.syncedAt < msg.maxAgeMs) return { ok: true, data: { activation: ref.activation } };
        return withActivation(async (c, r) => remember(r, await c.getActivation(r.id, r.token)));
      }
      case 'wizard/send-code': {
        const body = check(SendCodeBody, msg.body);
        if (!body.ok) return body;
        return withActivation((c, r) => c.sendCode(r.id, r.token, body.data));
      }
      case 'wizard/register': {
        const body = check(RegistrationBody, msg.body);
        if (!body.ok) return body;
        return withActivation(async (c, r) => remember(r, await c.register(r.id, r.token, body.data)));
      }
      case 'wizard/bind-billing': {
        const body = check(BindBillingAccountBody, msg.body);
        if (!body.ok) return body;
        return withActivation(async (c, r) => remember(r, await c.bindBillingAccount(r.id, r.token, body.data)));
      }
      case 'wizard/site': {
        const body = check(UpdateActivationBody, msg.body);
        if (!body.ok) return body;
        return withActivation(async (c, r) => remember(r, await c.updateActivation(r.id, r.token, body.data)));
      }
      case 'wizard/workspaces':
        return withActivation((c, r) => c.listWorkspaces(r.id, r.token));
      case 'wizard/create-workspace': {
        const body = check(CreateWorkspaceBody, msg.body);
        if (!body.ok) return body;
        return withActivation(async (c, r) => remember(r, await c.createWorkspace(r.id, r.token, body.data)));
      }
      case 'wizard/bind-workspace': {
        const body = check(BindWorkspaceBody, msg.body);
        if (!body.ok) return body;
        return withActivation(async (c, r) => remember(r, await c.bindWorkspace(r.id, r.token, body.data)));
      }
      case 'wizard/forget':
        await activationRef.removeValue();
        return { ok: true, data: {} };
    }
  }

  return {
    /**
     * Identical requests in flight at once (a double click, two popups) share one API call, so a
     * code is never sent twice and a registration never races itself.
     */
    handle(msg: WizardMessage): Promise<Reply> {
      const key = JSON.stringify(msg);
      const existing = inflight.get(key);
      if (existing) return existing;
      const p = run(msg).finally(() => inflight.delete(key));
      inflight.set(key, p);
      return p;
    },
  };
}

/** The client for whatever API address the options page holds. */
export async function configuredClient(): Promise<{ client: ApiClient; baseUrl: string }> {
  const baseUrl = await apiBaseUrl.getValue();
  return { client: createApiClient({ baseUrl }), baseUrl };
}

/** Background entrypoint hook: answers `wizard/*` messages from the extension's own pages. */
export function registerWizardHandlers(): void {
  const service = createWizardService({ client: configuredClient });
  const ownPages = browser.runtime.getURL('/');
  browser.runtime.onMessage.addListener((raw: unknown, sender: { id?: string; url?: string }) => {
    const msg = parseMessage(PopupToBackground, raw);
    if (!msg || !msg.type.startsWith('wizard/')) return undefined;
    // Content scripts share the runtime; only the popup and options page may drive the wizard.
    if (sender.id !== browser.runtime.id || !sender.url?.startsWith(ownPages)) return undefined;
    return service.handle(msg as WizardMessage);
  });
}
