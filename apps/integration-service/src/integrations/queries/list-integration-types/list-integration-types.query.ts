export class ListIntegrationTypesQuery {}
