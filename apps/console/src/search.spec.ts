import { describe, expect, it } from 'vitest';
import { parseSearch, safeRedirect, stringifySearch } from './search';

describe('search params', () => {
  it('round-trips repeated keys as the API takes them', () => {
    const s = stringifySearch({ type: 'ec2:instance', tag: ['env:prod', 'team:ops'], include_removed: true, q: '', cursor: undefined });
    expect(s).toBe('?type=ec2%3Ainstance&tag=env%3Aprod&tag=team%3Aops&include_removed=true');
    expect(parseSearch(s)).toEqual({ type: 'ec2:instance', tag: ['env:prod', 'team:ops'], include_removed: 'true' });
  });

  it('never redirects off the console after sign-in', () => {
    expect(safeRedirect('/resources?type=x')).toBe('/resources?type=x');
    for (const bad of ['//evil.example', 'https://evil.example', '/\\evil.example', '/sign-in?redirect=/x', undefined, 42]) expect(safeRedirect(bad)).toBe('/');
  });
});
