/**
 * Downloads in the cloud: a presigned S3 GET of the file in the data bucket, valid for
 * DOWNLOAD_EXPIRY_SECONDS, that answers with `Content-Disposition: attachment` ("Amazon S3 API
 * Reference — GetObject": response-content-disposition overrides the header of the response, for a
 * signed request). The API's role may GetObject under exports/ only.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DOWNLOAD_EXPIRY_SECONDS, type Downloads, type DownloadTicket } from '../ports/downloads.js';
import { attachment } from '../util/upload-name.js';

export class S3Downloads implements Downloads {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async prepare(file: string, name: string): Promise<DownloadTicket> {
    const url = await getSignedUrl(
      this.s3,
      new GetObjectCommand({ Bucket: this.bucket, Key: file, ResponseContentDisposition: attachment(name) }),
      { expiresIn: DOWNLOAD_EXPIRY_SECONDS },
    );
    return {
      file,
      method: 'GET',
      url,
      expiresAt: new Date(this.clock() + DOWNLOAD_EXPIRY_SECONDS * 1000).toISOString(),
    };
  }
}
