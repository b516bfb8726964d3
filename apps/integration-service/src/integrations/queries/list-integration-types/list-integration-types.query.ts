import { IntegrationTypeDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListIntegrationTypesQuery extends Query<IntegrationTypeDto[]> {}
