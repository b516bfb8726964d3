import { AppException } from './app.exception';

/** The one 404 of an integration id nobody registered (or that was deleted meanwhile): integration-service and the health monitor's projection answer alike. */
export function integrationNotFound(id: string): AppException {
  return new AppException('INTEGRATION_NOT_FOUND', `No integration with id ${id}`);
}
