import { createCloudEvent } from '@app/contracts';
import { invalidPlaceholders, renderHeader, renderJson, renderUrl } from './template';

describe('templates', () => {
  const event = createCloudEvent({ type: 'fleet.resource.discovered', source: 's', data: { id: 'a/b c?&', n: 3, tags: ['x'], nested: { ok: true } } });
  const scope = { event, delivery: { id: 'd-1', attempt: 2 } };

  it('percent-encodes URL values so an event cannot change the URL structure', () => {
    expect(renderUrl('https://api.example/r/{{event.data.id}}?t={{ event.type }}&m={{event.data.missing}}', scope)).toBe(
      'https://api.example/r/a%2Fb%20c%3F%26?t=fleet.resource.discovered&m=',
    );
  });

  it('renders JSON structurally: whole placeholders keep their type, others interpolate', () => {
    expect(
      renderJson({ id: '{{event.data.id}}', n: '{{event.data.n}}', tags: '{{event.data.tags}}', text: 'n={{event.data.n}} "q"', list: ['{{delivery.attempt}}', 1], none: '{{event.data.zzz}}' }, scope),
    ).toEqual({ id: 'a/b c?&', n: 3, tags: ['x'], text: 'n=3 "q"', list: [2, 1], none: null });
  });

  it('cannot reach prototypes or inherited properties', () => {
    expect(renderJson('{{event.__proto__}}', scope)).toBeNull();
    expect(renderJson('{{event.data.constructor}}', scope)).toBeNull();
    expect(renderJson('{{event.type.length}}', scope)).toBeNull();
    expect(invalidPlaceholders({ a: '{{event.__proto__.x}}', b: ['{{process.env.SECRET}}', '{{event.data.ok}}'] })).toEqual(['event.__proto__.x', 'process.env.SECRET']);
  });

  it('strips line breaks from header values', () => {
    const evil = createCloudEvent({ type: 't', source: 's', data: { v: 'x\r\nX-Injected: 1' } });
    expect(renderHeader('v={{event.data.v}}', { event: evil })).toBe('v=x  X-Injected: 1');
  });
});
