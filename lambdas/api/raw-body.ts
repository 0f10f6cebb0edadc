/** A route's answer that is not JSON (a CSV download): its type, body and extra headers, sent as they are. */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly body: string,
    readonly headers: Record<string, string> = {},
  ) {}
}
