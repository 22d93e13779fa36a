import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { fieldIssues } from '../../shared/errors';
import { ApiError } from './errors';

/**
 * The one validator: zod failures become 400 VALIDATION_FAILED with one FieldIssue (shared/errors)
 * per field, which the popup shows next to the field it names.
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const inner = zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new ApiError('VALIDATION_FAILED', 'Some fields are not valid', fieldIssues(result.error));
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
