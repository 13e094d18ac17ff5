// The byte scan that counts a batch's items before its body is parsed agrees with JSON.parse.
import { describe, expect, it } from 'vitest';
import { countArrayItems } from '../src/http/evaluation/countArrayItems.js';

const count = (text: string) => countArrayItems(Buffer.from(text), 'requests');

describe('countArrayItems', () => {
  it('counts the elements of the array under the key, whatever they hold', () => {
    const bodies = [
      { requests: [] },
      { requests: [{}] },
      { requestId: 'requests', requests: [{}, {}, {}] },
      { other: [1, 2, 3, 4], requests: [{ context: { a: 'x,y', b: '[{"q"}]' } }, { flagKey: 'say \\"hi\\", ok' }] },
      { nested: { requests: [1, 2, 3, 4, 5] }, requests: [{ entityId: 'é✓😀,]' }, null, 'a', [1, [2, 3]], { x: {} }] },
      { requests: Array.from({ length: 1234 }, (_, i) => ({ flagKey: `f${i}`, context: { k: ',' } })) },
    ];
    for (const body of bodies) {
      for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2)]) expect(count(text)).toBe(body.requests.length);
    }
    expect(count('  {\n  "requests" :\t[ \n ] }')).toBe(0);
    expect(count('{"requests":[{},{}],"requests":[{}]}')).toBe(2); // the first one; the parse decides the rest
  });

  it('answers undefined when the object has no such array, leaving the parse to decide', () => {
    for (const text of ['', '{}', '[[1,2]]', '{"requests":null}', '{"requests":"[1,2]"}', '{"nested":{"requests":[1,2]}}', '{"requ\\u0065sts":[1,2]}', '{"requests":[1,2']) {
      expect(count(text)).toBeUndefined();
    }
  });
});
