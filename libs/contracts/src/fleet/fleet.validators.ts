import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** An AWS region name such as us-east-1 or eu-central-2 (the same rule as config's aws.default_region). */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An IAM role ARN in any partition. */
export const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Collector type names: `<service>:<kind>` (ec2:instance, elasticloadbalancing:loadbalancer). */
export const RESOURCE_TYPE_PATTERN = /^[a-z0-9-]{1,64}:[a-z0-9-]{1,64}$/;

/** `"*"` (every enabled region) or a non-empty list of distinct region names. */
export function IsRegionSelection(validationOptions?: ValidationOptions) {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isRegionSelection',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (value === '*') return true;
          if (!Array.isArray(value) || value.length === 0 || value.length > 50) return false;
          if (value.length === 1 && value[0] === '*') return true;
          return value.every((r) => typeof r === 'string' && REGION_PATTERN.test(r)) && new Set(value).size === value.length;
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be "*" or a list of 1-50 distinct AWS region names such as us-east-1`;
        },
      },
    });
  };
}

/** The role ARN must be in the account it is registered for: AssumeRole always lands in the role's own account. */
export function RoleInAccount(accountField: string, validationOptions?: ValidationOptions) {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'roleInAccount',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          if (value === undefined || value === null) return true;
          const account = (args.object as Record<string, unknown>)[accountField];
          if (typeof value !== 'string' || typeof account !== 'string') return true; // other rules report these
          const m = /^arn:[^:]+:iam::(\d{12}):/.exec(value);
          return !m || m[1] === account;
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be a role in account ${accountField} (AssumeRole lands in the role's own account)`;
        },
      },
    });
  };
}
