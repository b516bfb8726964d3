import { AppException } from '@app/contracts';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, TimeoutError, catchError, throwError, timeout } from 'rxjs';

/** Bounds every request: a slow dependency gives a 503 problem, never a hung client. */
@Injectable()
export class TimeoutInterceptor implements NestInterceptor {
  constructor(private readonly ms: number) {}

  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      timeout(this.ms),
      catchError((e) => throwError(() => (e instanceof TimeoutError ? new AppException('UPSTREAM_TIMEOUT', `The request did not complete within ${this.ms} ms`, { retryAfterSeconds: 5 }) : e))),
    );
  }
}
