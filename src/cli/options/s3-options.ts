import { defineOptions } from '../define-command.js';

/** Where S3 (or, for volume-snapshot ebs, EC2) is reached; unset, the AWS SDK's own lookup. */
export const s3Options = defineOptions({
  region: { type: 'string', describe: 'S3 region (default: AWS_REGION, the profile\'s)' },
  endpoint: { type: 'string', describe: 'S3 endpoint URL (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)' },
  profile: { type: 'string', describe: 'AWS profile (default: AWS_PROFILE)' },
});
