// The OpenAPI 3.1 document, built from the route table (operations.ts) and the zod schemas the
// routes validate with: z.toJSONSchema gives JSON Schema 2020-12, which is OpenAPI 3.1's dialect.
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors';
import { SPI_ACTIONS as ACTIONS } from '../marketplace/schemas';
import { AUTH_ERRORS, BODY_ERRORS, COMMON_ERRORS, OPERATIONS, ROUTING_ERRORS, type Operation } from './operations';

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The error shapes (DESIGN §7 body; the details some codes carry). */
const FieldProblem = z.object({
  path: z.string().describe('Dotted path of the field, e.g. company.name; empty for the body as a whole'),
  message: z.string(),
});
const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);
const ApiError = z.object({
  error: z.object({ code: ErrorCodeSchema, message: z.string().describe('English; clients map the code to their own words'), details: z.unknown().optional() }),
});
const ValidationError = z.object({
  error: z.object({ code: z.literal('VALIDATION_FAILED'), message: z.string(), details: z.array(FieldProblem) }),
});
const RetryLaterError = z.object({
  error: z.object({
    code: z.enum(['RATE_LIMITED', 'TOO_MANY_ATTEMPTS']),
    message: z.string(),
    details: z.looseObject({ retryAfterSeconds: z.number().int().optional() }).optional(),
  }),
});
const MethodNotAllowedError = z.object({
  error: z.object({ code: z.literal('METHOD_NOT_ALLOWED'), message: z.string(), details: z.object({ allow: z.array(z.string()) }) }),
});

/** Schemas of one direction, as components with $refs between those registered. */
function components(entries: [string, z.ZodType][], io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  const seen = new Map<string, z.ZodType>();
  for (const [id, schema] of entries) {
    const before = seen.get(id);
    if (before && before !== schema) throw new Error(`two different schemas are both named ${id}`);
    if (before) continue;
    seen.set(id, schema);
    registry.add(schema, { id });
  }
  const out = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(out.schemas).map(([id, s]) => {
    const { $schema: _s, $id: _i, ...rest } = s as Json;
    return [id, rest];
  }));
}

/** The refusals of one status, with the codes that status can carry here. */
function errorResponse(status: number, codes: ErrorCode[]): Json {
  const shapes: Json[] = [];
  if (codes.includes('VALIDATION_FAILED')) shapes.push(ref('ValidationError'));
  if (codes.some((c) => c === 'RATE_LIMITED' || c === 'TOO_MANY_ATTEMPTS')) shapes.push(ref('RetryLaterError'));
  if (codes.includes('METHOD_NOT_ALLOWED')) shapes.push(ref('MethodNotAllowedError'));
  shapes.push({ allOf: [ref('ApiError'), { properties: { error: { properties: { code: { enum: codes } } } } }] });
  return {
    description: codes.join(', '),
    ...(status === 429 ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } } : {}),
    ...(status === 405 ? { headers: { Allow: { description: 'The methods this path takes', schema: { type: 'string' } } } } : {}),
    content: { 'application/json': { schema: shapes.length === 1 ? shapes[0] : { anyOf: shapes } } },
  };
}

/** Every code an operation can answer with: its own, plus those of its kind. */
export function errorsOf(op: Operation): ErrorCode[] {
  return [...new Set([...op.errors, ...(op.body ? BODY_ERRORS : []), ...(op.auth ? AUTH_ERRORS : []), ...COMMON_ERRORS])];
}

/** `/api/v1/activations/:id` → `/api/v1/activations/{id}` */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_]\w*)/g, '{$1}');

function parameters(op: Operation): Json[] {
  const path = [...op.path.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => ({
    name: m[1], in: 'path', required: true, schema: { type: 'string' }, description: 'The activation id',
  }));
  if (!op.query) return path;
  const q = z.toJSONSchema(op.query, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, Json>; required?: string[];
  };
  return [...path, ...Object.entries(q.properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: q.required?.includes(name) ?? false, schema: rest, ...(description ? { description } : {}) };
  })];
}

function operation(op: Operation): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(op)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const s = op.success;
  const success: Json = {
    description: s.description,
    ...(s.redirect ? { headers: { Location: { schema: { type: 'string' } } } } : {}),
    ...(s.schema ? { content: { 'application/json': { schema: ref(s.schema[0]) } } } : {}),
    ...(s.html ? { content: { 'text/html': { schema: { type: 'string' } } } } : {}),
    ...(op.path.endsWith('/openapi.json') ? { content: { 'application/json': { schema: { type: 'object' } } } } : {}),
  };
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.auth ? { security: [{ activationToken: [] }] } : {}),
    ...(parameters(op).length ? { parameters: parameters(op) } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.body[0]) } } } } : {}),
    responses: {
      [String(s.status)]: success,
      ...Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => [String(status), errorResponse(status, codes)])),
    },
  };
}

export function buildOpenApiDocument(opts: { version: string; serverUrl?: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of OPERATIONS) (paths[openApiPath(op.path)] ??= {})[op.method] = operation(op);
  const requests = components(OPERATIONS.flatMap((o) => (o.body ? [o.body] : [])), 'input');
  const responses = components([
    ...OPERATIONS.flatMap((o) => (o.success.schema ? [o.success.schema] : [])),
    ['ApiError', ApiError], ['ValidationError', ValidationError], ['RetryLaterError', RetryLaterError],
    ['MethodNotAllowedError', MethodNotAllowedError], ['FieldProblem', FieldProblem], ['ErrorCode', ErrorCodeSchema],
  ], 'output');
  for (const id of Object.keys(requests)) if (id in responses) throw new Error(`${id} names both a request and a response schema`);
  const spiActions = Object.fromEntries(Object.entries(ACTIONS).map(([action, schema]) => {
    const { $schema: _s, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
    return [`Spi_${action}`, { ...rest, description: `The parameters of action=${action} (besides action and token)` }];
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Guance Activator API',
      version: opts.version,
      description: [
        'Binds Alibaba Cloud Marketplace buyers of Guance to a Billing Center account and a workspace.',
        '',
        'Every refusal has one shape, `{"error": {"code", "message", "details"?}}` (schema ApiError), with the status its code',
        `implies (ErrorCode). Any path answers ${ROUTING_ERRORS.join(' and ')} (with an Allow header) when no route takes it.`,
        'VALIDATION_FAILED lists one {path, message} per field; RATE_LIMITED and TOO_MANY_ATTEMPTS say when to retry',
        '(details.retryAfterSeconds and Retry-After).',
      ].join('\n'),
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    tags: [
      { name: 'meta' }, { name: 'activations', description: 'The binding wizard' }, { name: 'sessions' },
      { name: 'marketplace', description: 'Called by the Alibaba Cloud Marketplace' }, { name: 'landing' },
    ],
    paths,
    components: {
      schemas: { ...requests, ...responses, ...spiActions },
      responses: {
        NotFound: errorResponse(404, ['NOT_FOUND']),
        MethodNotAllowed: errorResponse(405, ['METHOD_NOT_ALLOWED']),
      },
      securitySchemes: {
        activationToken: { type: 'http', scheme: 'bearer', description: 'The token returned by POST /api/v1/activations' },
      },
    },
  };
}
