/**
 * Zod issues as located problems, for `file:line: path: message` reports of a YAML file that
 * failed its schema. Used by the server's facility loader and the simulator's YAML files alike
 * (the line lookup is yaml-location.ts). Not in index.ts: the dashboard has no use for it.
 */
import type { z } from 'zod';
import type { YamlPathSegment } from './yaml-location.ts';

/** A schema problem at a path of the parsed document. */
export interface ZodPathProblem {
  path: YamlPathSegment[];
  message: string;
}

/**
 * One problem per zod issue; an unknown key is reported at that key, not at its parent, and a
 * missing value as `required (expected …)`.
 *
 * @example
 * ```ts
 * const parsed = schema.safeParse(data);
 * if (!parsed.success) zodProblems(parsed.error.issues); // [{ path: ['sites', 0, 'id'], message: 'required (expected string)' }]
 * ```
 */
export function zodProblems(issues: readonly z.core.$ZodIssue[]): ZodPathProblem[] {
  return issues.flatMap((issue) => {
    const at = issue.path.filter((s): s is YamlPathSegment => typeof s !== 'symbol');
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ path: [...at, key], message: `unknown key "${key}"` }));
      case 'invalid_type': {
        const missing = /received undefined$/.test(issue.message);
        return [{ path: at, message: missing ? `required (expected ${issue.expected})` : issue.message }];
      }
      // Zod's own message already names these problems; a code added by a zod upgrade must be
      // placed here deliberately (the exhaustive switch makes it a lint error until it is).
      case 'too_big':
      case 'too_small':
      case 'invalid_format':
      case 'not_multiple_of':
      case 'invalid_union':
      case 'invalid_key':
      case 'invalid_element':
      case 'invalid_value':
      case 'custom':
        return [{ path: at, message: issue.message }];
    }
  });
}
