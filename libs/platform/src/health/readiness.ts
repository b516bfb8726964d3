import { Injectable } from '@nestjs/common';

/** One dependency the app cannot serve without. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Flipped at the start of shutdown so that readiness fails and traffic drains before the app stops. */
@Injectable()
export class ShutdownState {
  shuttingDown = false;
}
