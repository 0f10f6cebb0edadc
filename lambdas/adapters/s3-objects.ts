/** The few S3 operations orca needs on its data bucket: list and delete a prefix. */
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const clean = prefix.endsWith('/') ? prefix : `${prefix}/`;
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: clean, ContinuationToken: token }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length) {
      const r = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      if (r.Errors?.length)
        throw new Error(
          `could not delete ${r.Errors.length} object(s) under s3://${bucket}/${clean}: ${r.Errors[0]!.Message}`,
        );
      deleted += keys.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return deleted;
}
