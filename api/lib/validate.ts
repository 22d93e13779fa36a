import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError } from './errors';

export interface FieldProblem {
  /** Dotted path of the field, e.g. `company.name`; empty for the body as a whole. */
  path: string;
  message: string;
}

/**
 * The one validator: zod failures become 400 VALIDATION_FAILED with one {path, message} per
 * field, which the popup shows next to the field it names.
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const inner = zValidator(target, schema, (result) => {
    if (!result.success) {
      const details: FieldProblem[] = result.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      }));
      throw new ApiError('VALIDATION_FAILED', 'Some fields are not valid', details);
    }
  });
  if (target !== 'json') return inner;
  // Hono's JSON validator reads any other content type as an empty body; say what is wrong instead.
  const jsonOnly: typeof inner = async (c, next) => {
    const type = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', { contentType: type || null });
    }
    return inner(c, next);
  };
  return jsonOnly;
}
