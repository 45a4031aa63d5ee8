/** How deep and how wide a JSON request body may be; bodies past these are refused before any code walks them. */
export interface JsonShapeLimits {
  /** Most nested objects/arrays (the top-level value is depth 1). */
  maxDepth: number;
  /** Most elements in any one array. */
  maxArrayLength: number;
}

export type JsonShapeProblem =
  { code: 'BODY_TOO_DEEP'; message: string } | { code: 'BODY_ARRAY_TOO_LONG'; message: string };

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Checks the shape of JSON without parsing it or recursing (deep input cannot overflow the stack here): the first
 * nesting level past `maxDepth` or array element past `maxArrayLength` is the answer, else null. Takes the text or its
 * UTF-8 bytes (every structural character is ASCII, and UTF-8 never puts an ASCII byte inside a longer character, so
 * the raw body need not be decoded twice). Malformed JSON is not judged here (the parser names it); pure, so any HTTP
 * stack's body parser can call it.
 */
export function checkJsonShape(json: string | Uint8Array, limits: JsonShapeLimits): JsonShapeProblem | null {
  const text = typeof json === 'string' ? null : json;
  const length = json.length;
  const codeAt = (i: number) => (text ? text[i] : (json as string).charCodeAt(i));
  // per open container: element count for an array, -1 for an object
  const counts: number[] = [];
  let inString = false;
  let empty = false; // just opened an array: no element yet
  for (let i = 0; i < length; i++) {
    const c = codeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (empty && !isJsonSpace(c) && c !== CLOSE_ARRAY) {
      counts[counts.length - 1] = 1;
      empty = false;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (counts.length >= limits.maxDepth) {
          return { code: 'BODY_TOO_DEEP', message: `request body is nested deeper than ${limits.maxDepth} levels` };
        }
        counts.push(c === OPEN_ARRAY ? 0 : -1);
        empty = c === OPEN_ARRAY;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        counts.pop();
        empty = false;
        break;
      case COMMA:
        if (counts.length && counts[counts.length - 1] >= 0) {
          const n = ++counts[counts.length - 1];
          if (n > limits.maxArrayLength) {
            return {
              code: 'BODY_ARRAY_TOO_LONG',
              message: `request body has an array longer than ${limits.maxArrayLength} elements`,
            };
          }
        }
        break;
    }
  }
  return null;
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
