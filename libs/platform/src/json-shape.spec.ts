import { checkJsonShape } from './json-shape';

describe('checkJsonShape', () => {
  const limits = { maxDepth: 4, maxArrayLength: 3 };
  const nested = (open: string, close: string, depth: number) => open.repeat(depth) + close.repeat(depth);

  it('accepts what fits, at the limits exactly', () => {
    for (const text of [
      '1',
      '"x"',
      'null',
      '{}',
      '[]',
      nested('[', ']', 4),
      '{"a":{"b":{"c":{"d":1}}}}',
      '[1,2,3]',
      '[ 1 , 2 , 3 ]',
      '{"a":1,"b":2,"c":3,"d":4,"e":5}',
      '[[1,2,3],[1,2,3],[1,2,3]]',
    ]) {
      expect({ text, problem: checkJsonShape(text, limits) }).toEqual({ text, problem: null });
    }
  });

  it('names a body one level too deep, for arrays and objects', () => {
    for (const text of [nested('[', ']', 5), '{"a":{"b":{"c":{"d":{}}}}}', '[{"a":[{"b":[]}]}]']) {
      expect(checkJsonShape(text, limits)).toEqual({
        code: 'BODY_TOO_DEEP',
        message: 'request body is nested deeper than 4 levels',
      });
    }
  });

  it('names an array one element too long, at any depth', () => {
    for (const text of ['[1,2,3,4]', '{"a":[[],[],[],[]]}', '[[1,2,3,{"x":[1,2,3,4]}]]']) {
      expect(checkJsonShape(text, limits)?.code).toBe('BODY_ARRAY_TOO_LONG');
    }
  });

  it('does not count brackets, braces or commas inside strings, including escaped quotes', () => {
    expect(checkJsonShape('["[[[[[[,,,,,", "\\"[[[[[[,,,,"]', limits)).toBeNull();
    expect(checkJsonShape('{"k\\\\":"[[[[[[[["}', limits)).toBeNull();
    expect(checkJsonShape('["\\\\",[[[[1]]]]]', limits)?.code).toBe('BODY_TOO_DEEP');
  });

  it('reads UTF-8 bytes the same as text, multi-byte characters included', () => {
    for (const text of ['["é✓😀",[["[["]]]', '["😀",1,2,3]', '[[[[["ж"]]]]]', '{"ключ":[1,2]}']) {
      expect(checkJsonShape(Buffer.from(text, 'utf8'), limits)).toEqual(checkJsonShape(text, limits));
    }
    expect(checkJsonShape(Buffer.from('["😀",1,2,3]'), limits)?.code).toBe('BODY_ARRAY_TOO_LONG');
  });

  it('handles the issue 10 body (1,500 deep) without recursing', () => {
    const text = nested('[', ']', 1500);
    expect(checkJsonShape(text, { maxDepth: 32, maxArrayLength: 1000 })?.code).toBe('BODY_TOO_DEEP');
    expect(checkJsonShape(nested('[', ']', 1_000_000), { maxDepth: 2_000_000, maxArrayLength: 1 })).toBeNull();
  });
});
