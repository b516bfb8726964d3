import { Identity, Role } from '@app/auth';
import { AppException } from '@app/contracts';
import { parseSubjects } from './event-streams.service';

const viewer: Identity = { kind: 'api_key', id: 'k', name: 'k', role: Role.Viewer };

describe('parseSubjects', () => {
  it('defaults to every domain the caller may read', () => {
    expect(parseSubjects(undefined, viewer)).toEqual(['integration.>', 'fleet.>', 'health.>']);
  });

  it('accepts patterns under the event domains, comma-separated or repeated, without duplicates', () => {
    expect(parseSubjects('fleet.resource.*, health.>', viewer)).toEqual(['fleet.resource.*', 'health.>']);
    expect(parseSubjects(['integration.created', 'integration.created'], viewer)).toEqual(['integration.created']);
  });

  it.each(['>', 'rpc.integration.get', 'fleet.>.x', 'fleet.res*', 'fleet..x', '$JS.API.>', 'health.a b', 'x'.repeat(300)])('refuses %s', (p) => {
    expect(() => parseSubjects(p, viewer)).toThrow(AppException);
  });

  it('refuses more than 10 patterns', () => {
    expect(() => parseSubjects(Array.from({ length: 11 }, (_, i) => `fleet.t${i}`).join(','), viewer)).toThrow(/At most 10/);
  });
});
