// The OpenAPI document against the app it describes: every route the app answers is in it (and
// nothing else), every $ref resolves, every error code is there with its status, and what the app
// really answers to a bare request is among the statuses documented for that operation.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { ERROR_STATUS } from '../../shared/errors';
import { setup } from '../test-support';
import { openApiPath } from './document';
import { OPERATIONS, UNDOCUMENTED_PREFIXES } from './operations';

type Json = Record<string, any>;

const ctx = setup();
const { app } = ctx;
const docOf = async () => (await (await app.request('/api/v1/openapi.json')).json()) as Json;

/** Checks a body against a schema of the document (its $refs resolved within it). */
async function conforms(schema: Json, body: unknown): Promise<string[]> {
  const doc = await docOf();
  // The document's refs are `#/components/...`: give the schema the components to point into.
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile({ ...schema, components: doc.components });
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const undocumented = (key: string) => UNDOCUMENTED_PREFIXES.some((p) => key.split(' ')[1] === p || key.split(' ')[1]!.startsWith(`${p}/`));

/**
 * The routes Hono dispatches to (middleware registrations are method ALL), as OpenAPI keys; without
 * those left out on purpose (UNDOCUMENTED_PREFIXES) unless `all`.
 */
function appRoutes(all = false): string[] {
  const keys = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path.length > 1 ? r.path.replace(/\/+$/, '') : r.path)}`)
    .filter((k) => all || !undocumented(k));
  return [...new Set(keys)].sort();
}

describe('OpenAPI document', () => {
  test('is served as OpenAPI 3.1 JSON', async () => {
    const res = await app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const doc = (await res.json()) as Json;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://activator.test' }]);
    // Against the official OpenAPI 3.1 JSON Schema.
    const r = await new Validator().validate(doc);
    expect(r.errors ?? []).toEqual([]);
    expect(r.valid).toBe(true);
  });

  test('lists exactly the routes the app answers', async () => {
    const doc = await docOf();
    const documented = Object.entries(doc.paths as Record<string, Json>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    // A route added to the app without a line in api/openapi/operations.ts fails here.
    expect(documented).toEqual(appRoutes());
    expect(appRoutes()).toContain('get /marketplace/aliyun');
    // What is left out is only the operator console, and it is really there (not a prefix hiding nothing).
    expect(appRoutes(true).filter(undocumented)).toEqual(expect.arrayContaining(['get /operator/instances', 'post /operator/links/{accountId}/unlink']));
    expect(documented.filter(undocumented)).toEqual([]);
  });

  test('every $ref resolves', async () => {
    const doc = await docOf();
    const refs: string[] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        for (const [k, v] of Object.entries(x)) (k === '$ref' ? refs.push(v as string) : walk(v));
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const r of refs) {
      const target = r.replace(/^#\//, '').split('/').reduce<any>((o, k) => o?.[k], doc);
      expect(target, r).toBeTypeOf('object');
    }
  });

  test('every error code with its status, and the shapes of those that carry details', async () => {
    const doc = await docOf();
    const s = doc.components.schemas;
    expect(s.ErrorCode.enum.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(s.ValidationError.properties.error.properties.details.items).toEqual({ $ref: '#/components/schemas/FieldProblem' });
    expect(s.RetryLaterError.properties.error.properties.details.properties.retryAfterSeconds.type).toBe('integer');
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(ops as Record<string, Json>)) {
        for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) {
          if (Number(status) < 400) continue;
          // "CODE_A, CODE_B": each code's status is the one it is documented under.
          for (const code of (r.description as string).split(', ')) {
            expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], `${method} ${path} ${status} ${code}`).toBe(Number(status));
          }
        }
      }
    }
    const spi = doc.paths['/marketplace/aliyun'].get;
    expect(spi.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['action', 'token', 'aliUid', 'instanceId']));
    expect(spi.responses['403'].description).toContain('BAD_SIGNATURE');
    expect(s.Spi_createInstance.required).toEqual(expect.arrayContaining(['aliUid', 'orderBizId', 'productCode']));
  });

  test('request bodies are the validators’ schemas', async () => {
    const doc = await docOf();
    const start = doc.components.schemas.StartActivationBody;
    expect(start.required.sort()).toEqual(['accountId', 'instanceId', 'site']);
    expect(start.properties.accountId.pattern).toBe('^\\d{16}$');
    expect(doc.components.schemas.SendCodeBody.oneOf ?? doc.components.schemas.SendCodeBody.anyOf).toHaveLength(3);
    expect(doc.paths['/api/v1/activations/{id}/registration'].post.security).toEqual([{ activationToken: [] }]);
  });

  test.each(OPERATIONS.filter((o) => !o.success.html).map((o) => [o.method, o.path] as const))(
    'what %s %s answers to a bare request is documented',
    async (method, path) => {
      const op = OPERATIONS.find((o) => o.method === method && o.path === path)!;
      const res = await app.request(path.replace(/:id/, 'no-such-activation'), {
        method: method.toUpperCase(),
        ...(op.body ? { headers: { 'Content-Type': 'application/json' }, body: '{}' } : {}),
      });
      const doc = await docOf();
      const documented = Object.keys(doc.paths[openApiPath(path)][method].responses);
      expect(documented).toContain(String(res.status));
      if (res.status >= 400) {
        const body = (await res.json()) as Json;
        const documentedAs = doc.paths[openApiPath(path)][method].responses[String(res.status)];
        expect(documentedAs.description.split(', ')).toContain(body.error.code);
        expect(await conforms(documentedAs.content['application/json'].schema, body)).toEqual([]);
      }
    },
  );

  test('real answers of the wizard conform to their documented schemas', async () => {
    const a = await ctx.start();
    const view = await a.call('GET', '');
    expect(await conforms({ $ref: '#/components/schemas/ActivationResponse' }, view.body)).toEqual([]);
    const sent = await a.call('POST', '/verification-codes', { purpose: 'register', email: 'doc@example.com' });
    expect(sent.status).toBe(202);
    expect(await conforms({ $ref: '#/components/schemas/SendCodeResponse' }, sent.body)).toEqual([]);
    const bad = await a.call('POST', '/registration', { username: 'x' });
    expect(await conforms({ $ref: '#/components/schemas/ValidationError' }, bad.body)).toEqual([]);
    const sites = await ctx.call('GET', '/sites');
    expect(await conforms({ $ref: '#/components/schemas/SitesResponse' }, sites.body)).toEqual([]);
    // And the check can fail: a body of another shape does not conform.
    expect(await conforms({ $ref: '#/components/schemas/ActivationResponse' }, sent.body)).not.toEqual([]);
  });

  test('the docs page reads the document and may load only its own script from outside', async () => {
    const res = await app.request('/api/v1/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/v1/openapi.json');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
