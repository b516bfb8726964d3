export class GetCommandOutputQuery {
  constructor(
    readonly id: string,
    readonly accountId: string,
    readonly region: string,
    /** A later part of one stream (see CommandOutputFirstPart). */
    readonly part?: { stream: 'stdout' | 'stderr'; offset: number },
  ) {}
}
